import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Actor, Clearance, Role } from '@taiwa/domain';
import { DATA_SOURCE } from '../common/tokens';

export interface UserRecord extends Actor {
  displayName: string;
  active: boolean;
}

interface UserRow {
  username: string;
  display_name: string;
  role: Role;
  organization_id: string;
  clearance: Clearance;
  queues: string[];
  active: boolean;
}

/** Who a user is comes from here, never from the client: the token only names the user. */
@Injectable()
export class UsersService {
  private readonly cache = new Map<string, { user: UserRecord | null; at: number }>();
  private static readonly TTL_MS = 10_000;

  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async find(username: string): Promise<UserRecord | null> {
    const hit = this.cache.get(username);
    if (hit && Date.now() - hit.at < UsersService.TTL_MS) return hit.user;
    const rows: UserRow[] = await this.ds.query(
      'SELECT username, display_name, role, organization_id, clearance, queues, active FROM users WHERE username = $1',
      [username],
    );
    const row = rows[0];
    const user: UserRecord | null = row
      ? {
          username: row.username,
          displayName: row.display_name,
          role: row.role,
          organizationId: row.organization_id,
          clearance: row.clearance,
          queues: row.queues,
          active: row.active,
        }
      : null;
    this.cache.set(username, { user, at: Date.now() });
    return user;
  }
}
