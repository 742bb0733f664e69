// The simulator's public contract. Tests, the benchmark and the demo use only what is declared here;
// the simulator's implementation (its own data model, JQL evaluator and paging) lives beside it and
// shares no code with the connector.
import type { ListTruth } from './list-truth.js';

export type DeploymentMode = 'cloud' | 'datacenter';
export type TokenSemantics = 'keyset' | 'offset';

export interface ChurnOptions {
  /** Issue updates per second (each bumps `updated` to now and may change fields). */
  updatesPerSecond?: number;
  createsPerSecond?: number;
  deletesPerSecond?: number;
  /** Comment/worklog adds per second (each also bumps the issue's `updated`, as Jira does). */
  commentsPerSecond?: number;
  /** Comment edits and deletions per second (half each); whether they move the issue's `updated` is `commentChangesMoveUpdated`. */
  commentChangesPerSecond?: number;
  worklogsPerSecond?: number;
  /** Issue moves to another project per second (new key; the old key still resolves). */
  movesPerSecond?: number;
  /** Issue links made or removed per second (half each; both issues' `updated` moves). */
  linksPerSecond?: number;
  /** Issues moved to another sprint of their project (or to the backlog) per second; `updated` moves. */
  sprintMovesPerSecond?: number;
  /** Projects, users, boards and sprints created, changed or deleted per second (catalog-changes.ts). */
  catalogChangesPerSecond?: number;
}

/** What the control API can create, change and delete besides issues. */
export type CatalogKind = 'project' | 'user' | 'board' | 'sprint';

/** A link as the truth sees it: from <outward verb> to (e.g. from blocks to). */
export interface TruthLink {
  id: string;
  fromId: string;
  toId: string;
  typeId: string;
}

export interface FaultOptions {
  /** Probability per request (0..1) of each fault. */
  rate429?: number;
  /** Seconds sent in Retry-After with a 429; null sends no Retry-After header. Default 1. */
  retryAfterSeconds?: number | null;
  rate503?: number;
  rateReset?: number;
  rateTruncated?: number;
  /** Only requests whose path starts with one of these get faults (default: all). */
  paths?: string[];
  /** Probability of answering `status` (a Jira error body) instead; off by default. */
  rateStatus?: number;
  /** The status rateStatus answers with (default 403). */
  status?: number;
  /** The first this many matching requests are answered normally (a fault that starts mid-run). Default 0. */
  afterRequests?: number;
  /** At most this many faulted answers (any kind), then none; counted again from 0 whenever faults are configured. Default: no limit. */
  maxFaults?: number;
  // Transport faults (transport-faults.ts): every matching request gets them, within maxFaults.
  /** Retry-After sent verbatim with the 429 fault (e.g. "-5", "soon", an HTTP date in 2099), without X-RateLimit-Reset. Overrides retryAfterSeconds. */
  retryAfterRaw?: string;
  /** Headers at once, then the body one byte every this many ms. */
  dripMs?: number;
  /** A 2xx JSON object answer gets a leading "_padding" string member of this many bytes, streamed (chunked) and never built in memory. */
  padBytes?: number;
  /** Like padBytes, this many bytes per issue in the answer (search, bulkfetch): asking for fewer issues makes it smaller. */
  padBytesPerIssue?: number;
  /** padBytesPerIssue goes into each issue's fields (a long custom field value) instead of one leading member: data the client must keep. */
  padIssueFields?: boolean;
  /** Answer 302 with Location: this URL followed by the request's path and query (a site that moved). */
  redirectTo?: string;
  /** Answer this instead (status default 200; contentType null sends none): an HTML login page, plain text, an empty body, a 404. */
  replaceWith?: { status?: number; body: string; contentType?: string | null };
  /** Send answers without a Content-Type header. */
  dropContentType?: boolean;
}

/** Answers that break Jira's contract (see lies.ts); each off by default. */
export interface LieOptions {
  /** The API token was revoked or expired: /myself answers 401, every other endpoint the anonymous view (200, nothing). */
  revoked?: boolean;
  /** Cloud search: pages that are not the last say `isLast: false` but carry no nextPageToken. */
  dropNextPageToken?: boolean;
  /** Cloud search: every page is empty, says `isLast: false` and carries a fresh token (an endless feed). */
  emptyPages?: boolean;
  /** Search: the rows of every page in reverse order. */
  reversePages?: boolean;
  /** Search rows show each issue's current fields, fresher than the (lagging) index that matched them. */
  liveUpdated?: boolean;
  /** bulkfetch silently leaves out this fraction (0..1) of the ids asked for, anew on every call. */
  bulkfetchOmitRate?: number;
  /** bulkfetch also answers with an issue that was not asked for. */
  bulkfetchExtra?: boolean;
  /** Issue bodies carry this JSON value for these field ids instead of the real one (e.g. a string in a number field): values that break the type /field declares. */
  wrongFieldValues?: Record<string, unknown>;
  /** Answers do not name the authenticated user (X-AACCOUNTID / X-AUSERNAME), as behind a proxy that drops headers. */
  stripIdentity?: boolean;
}

/** A scoped API token (Basic email:token): accepted only through the gateway, with these scopes. */
export interface SimScopedToken {
  email: string;
  token: string;
  /** Classic scopes (read:jira-work, read:jira-user, ...); default every scope the routes need. */
  scopes?: string[];
}

/** An OAuth 2.0 client: a 3LO app (refresh_token grant) or a service account (client_credentials grant). */
export interface SimOAuthClient {
  clientId: string;
  clientSecret: string;
  /** 3LO only: the refresh token the consent flow gave; rotated on every use. */
  refreshToken?: string;
  scopes?: string[];
}

/** Every way in besides the classic API token and the PAT (auth-*.ts). Defaults in auth-tokens.ts. */
export interface AuthOptions {
  /** The site's cloud id (/_edge/tenant_info; gateway prefix /ex/jira/{cloudId}). */
  cloudId?: string;
  scopedTokens?: SimScopedToken[];
  oauthApps?: SimOAuthClient[];
  serviceAccounts?: SimOAuthClient[];
  /** Lifetime of issued access tokens (default 3600). */
  accessTokenTtlSeconds?: number;
  /** A used refresh token keeps working this long after its first use (default 60). */
  refreshTokenGraceSeconds?: number;
  /** Data Center Basic logins (mode datacenter). */
  dcUsers?: Array<{ username: string; password: string }>;
}

/** TLS for the simulator's listener (PEM text): it then serves https. */
export interface TlsOptions {
  cert: string;
  key: string;
}

export interface SimulatorOptions {
  port?: number; // 0 = any free port (default)
  host?: string; // default 127.0.0.1
  seed?: number; // default 1
  issues?: number; // default 1000
  projects?: number; // default 4 (at most 200; past the 12 named ones keys are P13, P14, …)
  /** Users on the site (default 40). */
  users?: number;
  /** Boards: n − 1 scrum boards over the projects in turn plus one kanban board; default 0: one scrum board per project plus one kanban. */
  boards?: number;
  /** Sprints in all, spread over the scrum boards in turn (default 0: nine per scrum board). */
  sprints?: number;
  /** Versions per project (default 3). */
  versionsPerProject?: number;
  /** Data Center: serve `/user/list` (cursor pages, Jira 10.3+); false: a release without it, answering 404 (default true). */
  dcUserList?: boolean;
  mode?: DeploymentMode; // default cloud
  /** IANA zone of the searching user (myself.timeZone); default a non-whole-hour zone (Asia/Kathmandu, +05:45). */
  userTimeZone?: string;
  email?: string; // default demo@example.com
  apiToken?: string; // default demo-token
  personalAccessToken?: string; // default demo-pat (datacenter)
  tokenSemantics?: TokenSemantics; // default keyset
  /** Page tokens expire after this many ms (default 7 days). */
  tokenTtlMs?: number;
  /** Largest /search/jql page for heavy selections: `*all`, `*navigable`, more than 5 fields, or any expand (default 100). */
  fieldsPageCap?: number;
  /** Largest /search/jql page for a few fields besides id/key (e.g. `key,updated`); default 5000 (no cap beyond Jira's). */
  fieldPageCap?: number;
  /** A further silent cap on every paged list endpoint (projects, users, boards, sprints, ...); 0 = off (default). */
  listPageCap?: number;
  /** Data Center: silent cap on maxResults (default 1000) and deep-paging window (default 10000). */
  dcMaxResults?: number;
  dcResultWindow?: number;
  /** Search sees a change only this many ms after it happened (default 0). */
  indexLagMs?: number;
  /** The worklog feeds leave out changes younger than this (Jira: the last minute, default 60000; tests shorten it). */
  worklogFeedDelayMs?: number;
  /** Per-request latency: fixed ms plus uniform jitter of +/- jitterMs (default 0). */
  latencyMs?: number;
  jitterMs?: number;
  /** Added to a reply's latency per issue it carries (search pages, bulkfetch), as a real server's time grows with rows (default 0). */
  perRowMs?: number;
  /** Token-bucket requests-per-second limit (default off); excess answered 429. */
  rateLimitRps?: number;
  rateLimitBurst?: number;
  faults?: FaultOptions;
  lies?: LieOptions;
  churn?: ChurnOptions;
  /**
   * Whether editing or deleting a comment moves its issue's `updated` (default true). Jira does not
   * document it; false models a site where it does not (only a full refresh sees those changes).
   */
  commentChangesMoveUpdated?: boolean;
  /** Seeded custom fields beyond the fixed ones (customfield_30000…, cycling through ten common types): a site with many custom fields. Default 0. */
  extraCustomFields?: number;
  /** Time the seeded history ends at (epoch ms, default Date.now() at start). Seeded `updated` values lie before it. */
  now?: number;
  /** Serve https with this certificate and key (fixed at start). */
  tls?: TlsOptions;
  /** Scoped tokens, OAuth apps, service accounts, token lifetimes, DC logins (auth-*.ts). */
  auth?: AuthOptions;
  /** The user administers Jira: the audit log (/auditing/record) answers; default false: 403. */
  admin?: boolean;
}

/** One issue as the truth sees it (current, not as the lagging search index sees it). */
export interface TruthIssue {
  id: string;
  key: string;
  projectKey: string;
  /** epoch ms */
  updated: number;
  created: number;
  summary: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  routed: boolean;
  at: number;
}

/** Options configure() may change at run time; anything else is fixed at start. */
export type ConfigurableOption =
  | 'faults' | 'lies' | 'churn' | 'latencyMs' | 'jitterMs' | 'indexLagMs' | 'tokenSemantics' | 'rateLimitRps' | 'rateLimitBurst'
  | 'fieldsPageCap' | 'fieldPageCap' | 'perRowMs' | 'listPageCap' | 'tokenTtlMs' | 'dcMaxResults' | 'dcResultWindow' | 'auth' | 'admin' | 'commentChangesMoveUpdated';

export const CONFIGURABLE_OPTIONS: readonly ConfigurableOption[] = [
  'faults', 'lies', 'churn', 'latencyMs', 'jitterMs', 'indexLagMs', 'tokenSemantics', 'rateLimitRps', 'rateLimitBurst',
  'fieldsPageCap', 'fieldPageCap', 'perRowMs', 'listPageCap', 'tokenTtlMs', 'dcMaxResults', 'dcResultWindow', 'auth', 'admin', 'commentChangesMoveUpdated',
];

export interface SimulatorControl {
  /** The exact current state of every live issue, sorted by id. */
  truth(): TruthIssue[];
  /** Per list stream of the connector: every row's key, and items per parent for child lists (list-truth.ts). */
  listTruth(): Record<string, ListTruth>;
  /** Change behaviour at run time (faults, churn, latency, lag, token semantics, rate limit). */
  configure(patch: Partial<Pick<SimulatorOptions, ConfigurableOption>>): void;
  /** Apply changes now (as churn would), returning the ids touched. `ids` picks the issues instead of random ones. */
  updateIssues(count: number, opts?: { sameInstant?: boolean; ids?: string[] }): string[];
  /** Set `updated` of `count` issues to one shared instant (a bulk edit); returns their ids. `ids` picks the issues. */
  bulkEdit(count: number, at?: number, opts?: { ids?: string[] }): string[];
  createIssues(count: number): string[];
  deleteIssues(count: number, opts?: { ids?: string[] }): string[];
  /** Take (hidden) or give back a project's browse permission: its issues and the project stop answering, nothing is deleted. */
  hideProject(key: string, hidden?: boolean): void;
  /** Move issues to another project (random other one unless `toProject` key given): new keys, old keys still resolve. */
  moveIssues(count: number, opts?: { ids?: string[]; toProject?: string }): string[];
  /**
   * Create a project (fields: key, name), user (displayName, emailAddress, active), board (projectKey,
   * name, type scrum|kanban) or sprint (boardId, name, goal, start); returns its id (a user's accountId).
   */
  createEntity(kind: CatalogKind, fields?: Record<string, unknown>): string;
  /** Change a project (name), user (displayName, emailAddress, active), board (name) or sprint (name, goal, state, start, end; closing carries unfinished issues over to the next open sprint). */
  updateEntity(kind: CatalogKind, id: string, patch: Record<string, unknown>): void;
  /** Delete one: a project with its issues and boards, a board with its sprints, a sprint (its issues go to the backlog), a user (gone from the user lists). */
  deleteEntity(kind: CatalogKind, id: string): void;
  /** Link two issues (from <type outward> to; type id default 10000, Blocks); both issues' `updated` moves. Returns the link id. */
  linkIssues(fromId: string, toId: string, opts?: { typeId?: string }): string;
  /** Remove a link; both issues' `updated` moves. */
  unlinkIssues(linkId: string): void;
  /** Put issues in a sprint (null: the backlog); their `updated` moves. Returns the ids moved. */
  moveToSprint(ids: string[], sprintId: number | null): string[];
  /** Add a comment to each of `count` issues (or `ids`); their `updated` moves. Returns the comment ids. */
  addComments(count: number, opts?: { ids?: string[] }): string[];
  /** Edit or delete one comment of each of `count` issues (or `ids`) that has one; returns the comment ids changed. */
  changeComments(kind: 'edit' | 'delete', count: number, opts?: { ids?: string[] }): string[];
  /** Every link between live issues. */
  links(): TruthLink[];
  /** Every sprint each live issue's Sprint field lists (those it was carried over from, and its current one). */
  sprintMembership(): Array<{ issueId: string; sprintId: number }>;
  /** Start/stop background churn at the configured rates. */
  startChurn(churn?: ChurnOptions): void;
  stopChurn(): void;
  /** A copy of the truth taken now (same as truth(); named for tests that compare before/after). */
  snapshot(): TruthIssue[];
  /** Requests seen, with counts per endpoint; unrouted requests are listed too. */
  requests(): RequestLogEntry[];
  requestCounts(): Record<string, number>;
  unrouted(): RequestLogEntry[];
  resetRequestLog(): void;
}

export interface RunningSimulator {
  url: string;
  close(): Promise<void>;
  control: SimulatorControl;
}
