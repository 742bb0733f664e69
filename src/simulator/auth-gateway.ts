// Who a request is, as Jira Cloud's site and the API gateway (/ex/jira/{cloudId}/...) tell it:
// classic API tokens work on both; scoped API tokens and OAuth access tokens only on the gateway
// (the site refuses them like wrong credentials); on the gateway a token lacking the scope of the
// route gets Jira's 401 "scope does not match". Data Center takes a PAT or a username and password.
import type { Settings } from './context.js';
import type { SimReply } from './http-io.js';
import { revokes } from './lies.js';
import { resolveAuth, type TokenIssuer } from './auth-tokens.js';

/** 'user' with the scopes of its token (undefined: every scope), or why not. */
export type Identity = { who: 'user'; scopes?: string[] } | { who: 'anonymous' | 'failed' | 'badBearer' };

const GATEWAY = /^\/ex\/jira\/([^/]+)(\/.*)?$/;

/** A gateway path split into its cloud id and the REST path behind it; undefined for a site path. */
export function gatewayPath(path: string): { cloudId: string; path: string } | undefined {
  const m = GATEWAY.exec(path);
  return m ? { cloudId: decodeURIComponent(m[1]!), path: m[2] ?? '/' } : undefined;
}

export function tenantInfo(s: Settings): SimReply {
  return { status: 200, json: { cloudId: resolveAuth(s.auth).cloudId } };
}

// Fresh objects each time: the caller adds headers to a reply.
export const unknownSite = (): SimReply => ({ status: 404, json: { code: 404, message: 'Cannot find a site with this cloud id.' } });
export const scopeMismatch = (): SimReply => ({ status: 401, json: { code: 401, message: 'Unauthorized; scope does not match' } });
export const gateway401 = (): SimReply => ({ status: 401, json: { code: 401, message: 'Unauthorized' } });

export function identify(s: Settings, tokens: TokenIssuer, header: string | undefined, onGateway: boolean): Identity {
  if (!header) return { who: 'anonymous' };
  const [scheme = '', value = ''] = header.split(/\s+/, 2);
  const auth = resolveAuth(s.auth);
  if (revokes(s.lies)) return { who: scheme.toLowerCase() === 'bearer' ? 'badBearer' : 'failed' };
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    if (s.mode === 'datacenter') {
      return auth.dcUsers.some((u) => decoded === `${u.username}:${u.password}`) || decoded === `${s.email}:${s.apiToken}` ? { who: 'user' } : { who: 'failed' };
    }
    if (decoded === `${s.email}:${s.apiToken}`) return { who: 'user' };
    const scoped = auth.scopedTokens.find((t) => decoded === `${t.email}:${t.token}`);
    if (scoped && onGateway) return { who: 'user', ...(scoped.scopes ? { scopes: scoped.scopes } : {}) };
    return { who: 'failed' };
  }
  if (scheme.toLowerCase() === 'bearer') {
    if (s.mode === 'datacenter') return value === s.personalAccessToken ? { who: 'user' } : { who: 'badBearer' };
    const scopes = onGateway ? tokens.scopesOf(value) : undefined;
    return scopes ? { who: 'user', scopes } : { who: 'badBearer' };
  }
  return { who: 'failed' };
}

/** The classic scope a route needs (as Jira's OpenAPI lists them). */
export function scopeOf(pattern: string): string {
  if (pattern.endsWith('/configuration')) return 'read:board-scope.admin:jira-software';
  if (pattern.includes('/sprint')) return 'read:sprint:jira-software';
  if (pattern.startsWith('/rest/agile/')) return 'read:board-scope:jira-software';
  if (/\/(myself|users?\/search|group\/)/.test(pattern)) return 'read:jira-user';
  return 'read:jira-work';
}
