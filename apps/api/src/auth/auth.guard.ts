import { createParamDecorator, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '@taiwa/domain';
import { ProblemError } from '../common/problem';
import { AuthService } from './auth.service';
import type { UserRecord } from './users.service';

const PUBLIC = 'taiwa:public';
const ROLES = 'taiwa:roles';

/** The route needs no token (health, docs, dev login). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);
/** Only these roles may call the route (403 for others). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);

export type AuthedRequest = Request & { user?: UserRecord };

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): UserRecord => {
  const user = ctx.switchToHttp().getRequest<AuthedRequest>().user;
  if (!user) throw new ProblemError(401, 'Authentication required.');
  return user;
});

/** Protects every route unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ProblemError(401, 'Send "Authorization: Bearer <token>".');
    req.user = await this.auth.authenticate(match[1]!);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(req.user.role)) {
      throw new ProblemError(403, `This needs one of the roles ${roles.join(', ')}; you are ${req.user.role}.`);
    }
    return true;
  }
}
