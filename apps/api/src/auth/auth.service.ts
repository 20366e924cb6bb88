import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { API_CONFIG, type ApiConfig } from '../config';
import { ProblemError } from '../common/problem';
import { UsersService, type UserRecord } from './users.service';

const DEV_ISSUER = 'taiwa-dev';
const DEV_TOKEN_TTL = '8h';

@Injectable()
export class AuthService {
  private readonly jwks: JWTVerifyGetKey | null;
  private readonly devKey: Uint8Array | null;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly users: UsersService,
  ) {
    this.jwks = config.auth.mode === 'oidc' ? createRemoteJWKSet(new URL(config.auth.jwksUrl)) : null;
    this.devKey = config.auth.mode === 'dev' ? new TextEncoder().encode(config.auth.devSecret) : null;
  }

  get devLoginEnabled(): boolean {
    return this.config.auth.mode === 'dev';
  }

  /** AUTH_MODE=dev only: a token for a seeded user. */
  async devLogin(username: string): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
    if (!this.devKey) throw new ProblemError(404, 'Dev login is disabled (AUTH_MODE is not dev).');
    const user = await this.users.find(username);
    if (!user || !user.active) throw new ProblemError(401, `No active user ${username}.`);
    const accessToken = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.username)
      .setIssuer(DEV_ISSUER)
      .setIssuedAt()
      .setExpirationTime(DEV_TOKEN_TTL)
      .sign(this.devKey);
    return { accessToken, tokenType: 'Bearer', expiresIn: 8 * 3600 };
  }

  /** Verifies a bearer token and returns the user it names, as recorded here. */
  async authenticate(token: string): Promise<UserRecord> {
    let username: string | undefined;
    try {
      if (this.devKey) {
        const { payload } = await jwtVerify(token, this.devKey, { issuer: DEV_ISSUER, algorithms: ['HS256'] });
        username = payload.sub;
      } else if (this.jwks && this.config.auth.mode === 'oidc') {
        const { payload } = await jwtVerify(token, this.jwks, {
          issuer: this.config.auth.issuer,
          audience: this.config.auth.audience,
        });
        username = (payload.preferred_username as string | undefined) ?? (payload.email as string | undefined) ?? payload.sub;
      }
    } catch {
      throw new ProblemError(401, 'The access token is invalid or expired.');
    }
    if (!username) throw new ProblemError(401, 'The access token names no user.');
    const user = await this.users.find(username);
    if (!user || !user.active) throw new ProblemError(401, 'The access token names no active user.');
    return user;
  }
}
