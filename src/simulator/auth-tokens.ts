// The simulator's OAuth 2.0 token endpoint (POST /oauth/token, as https://auth.atlassian.com serves
// it) and the access tokens it issues: short-lived (accessTokenTtlSeconds), each with the scopes of
// its client. The lifetime applies to live tokens too: configure({auth: {accessTokenTtlSeconds}})
// mid-run expires the ones older than the new lifetime at once. 3LO refresh tokens rotate: every refresh issues a new one, and the used one keeps
// working only for refreshTokenGraceSeconds after its first use (then 403 invalid_grant, as Atlassian).
import { randomBytes } from 'node:crypto';
import type { SimReply } from './http-io.js';
import type { AuthOptions, SimOAuthClient } from './types.js';

export const ALL_SCOPES = [
  'read:jira-user', 'read:jira-work', 'read:board-scope:jira-software', 'read:board-scope.admin:jira-software', 'read:sprint:jira-software',
];

export const AUTH_DEFAULTS = {
  cloudId: '4f5e6d7c-0000-4000-8000-00000000c10d',
  scopedTokens: [{ email: 'demo@example.com', token: 'demo-scoped-token' }],
  oauthApps: [{ clientId: 'demo-client', clientSecret: 'demo-client-secret', refreshToken: 'demo-refresh-token' }],
  serviceAccounts: [{ clientId: 'demo-sa-client', clientSecret: 'demo-sa-secret' }],
  accessTokenTtlSeconds: 3600,
  refreshTokenGraceSeconds: 60,
  dcUsers: [{ username: 'demo', password: 'demo-password' }],
} satisfies Required<AuthOptions>;

/** The defaults with every scoped token and OAuth client limited to `scopes` (jira-sim --token-scopes). */
export function withScopes(scopes: string[]): AuthOptions {
  const limit = <T extends object>(list: T[]): T[] => list.map((t) => ({ ...t, scopes }));
  return { scopedTokens: limit(AUTH_DEFAULTS.scopedTokens), oauthApps: limit(AUTH_DEFAULTS.oauthApps), serviceAccounts: limit(AUTH_DEFAULTS.serviceAccounts) };
}

export function resolveAuth(auth: AuthOptions | undefined): Required<AuthOptions> {
  const out: Record<string, unknown> = { ...AUTH_DEFAULTS };
  for (const [k, v] of Object.entries(auth ?? {})) if (v !== undefined) out[k] = v;
  return out as Required<AuthOptions>;
}

interface RefreshEntry {
  clientId: string;
  /** epoch ms of its first use; works until then + grace */
  usedAt?: number;
}

const oauthError = (status: number, error: string, description: string): SimReply => ({ status, json: { error, error_description: description } });

export class TokenIssuer {
  private readonly access = new Map<string, { issuedAt: number; scopes: string[] }>();
  private readonly refresh = new Map<string, RefreshEntry>();
  /** Initial refresh tokens of the apps that were used (a consent-flow token works once, like any other). */
  private readonly spentInitial = new Set<string>();
  private issued = 0;

  constructor(private readonly settings: () => Required<AuthOptions>, private readonly clock: () => number) {}

  /** The scopes of a live access token; undefined when unknown or expired. */
  scopesOf(token: string): string[] | undefined {
    const t = this.access.get(token);
    if (t === undefined) return undefined;
    if (this.clock() >= t.issuedAt + this.settings().accessTokenTtlSeconds * 1000) {
      this.access.delete(token);
      return undefined;
    }
    return t.scopes;
  }

  /** POST /oauth/token with a JSON (or form) body. */
  tokenEndpoint(body: unknown): SimReply {
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const s = this.settings();
    if (b.grant_type === 'client_credentials') {
      const client = this.client(s.serviceAccounts, b);
      if (client === undefined) return oauthError(401, 'access_denied', 'Unauthorized');
      return { status: 200, json: this.issue(client) };
    }
    if (b.grant_type === 'refresh_token') {
      const client = this.client(s.oauthApps, b);
      if (client === undefined) return oauthError(401, 'access_denied', 'Unauthorized');
      const token = typeof b.refresh_token === 'string' ? b.refresh_token : '';
      if (!this.takeRefresh(client, token)) return oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.');
      const next = `sim-rt-${this.nextId()}`;
      this.refresh.set(next, { clientId: client.clientId });
      return { status: 200, json: { ...this.issue(client), refresh_token: next } };
    }
    return oauthError(400, 'unsupported_grant_type', 'Grant type not supported.');
  }

  private client(list: SimOAuthClient[], b: Record<string, unknown>): SimOAuthClient | undefined {
    return list.find((c) => c.clientId === b.client_id && c.clientSecret === b.client_secret);
  }

  /** Whether the refresh token works now; marks it used (it then expires after the grace period). */
  private takeRefresh(client: SimOAuthClient, token: string): boolean {
    const now = this.clock();
    let entry = this.refresh.get(token);
    if (entry === undefined && token === client.refreshToken && !this.spentInitial.has(token)) {
      this.spentInitial.add(token);
      entry = { clientId: client.clientId };
      this.refresh.set(token, entry);
    }
    if (entry === undefined || entry.clientId !== client.clientId) return false;
    entry.usedAt ??= now;
    return now - entry.usedAt <= this.settings().refreshTokenGraceSeconds * 1000;
  }

  private issue(client: SimOAuthClient): Record<string, unknown> {
    const ttl = this.settings().accessTokenTtlSeconds;
    const token = `sim-at-${this.nextId()}`;
    const scopes = client.scopes ?? ALL_SCOPES;
    this.access.set(token, { issuedAt: this.clock(), scopes });
    return { access_token: token, token_type: 'Bearer', expires_in: ttl, scope: scopes.join(' ') };
  }

  private nextId(): string {
    this.issued++;
    return `${this.issued}-${randomBytes(6).toString('hex')}`;
  }
}
