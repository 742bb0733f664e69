// What a 401 of the gateway says about scopes. Jira answers a token that lacks a scope with
// {"code":401,"message":"Unauthorized; scope does not match"}, without naming it: the scope is then
// named from the endpoint (classic scopes, as Jira's OpenAPI lists them per operation).

const SCOPE = /\b(?:read|write|manage|delete):[a-z0-9.-]+(?::[a-z0-9-]+)?/i;

export function isScopeMismatch(body: string): boolean {
  return /scope does not match|insufficient[_ ]scope/i.test(body);
}

/** The classic scope a REST path of this connector needs. */
export function scopeFor(path: string): string {
  if (/\/rest\/agile\/1\.0\/board\/[^/]+\/configuration/.test(path)) return 'read:board-scope.admin:jira-software';
  if (/\/rest\/agile\/1\.0\/(board\/[^/]+\/sprint|sprint\/)/.test(path)) return 'read:sprint:jira-software';
  if (path.startsWith('/rest/agile/')) return 'read:board-scope:jira-software';
  if (/\/rest\/api\/\d\/(myself|users?\/|user$|group)/.test(path)) return 'read:jira-user';
  return 'read:jira-work';
}

/** The missing scope: the one Jira's answer names, else the one the endpoint needs. */
export function missingScope(path: string, body: string): string {
  return SCOPE.exec(body)?.[0] ?? scopeFor(path);
}
