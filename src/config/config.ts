// The validated connector configuration (shape defined by spec.json; validation lives in validate-config.ts).
export type CloudRoute = 'auto' | 'site' | 'gateway';

export interface ApiTokenCredentials {
  auth_type: 'api_token';
  email: string;
  api_token: string;
  /** Where requests go: the site, the API gateway (scoped tokens), or auto (site, then gateway). Default auto. */
  cloud_route?: CloudRoute;
}

/** OAuth 2.0 (3LO): always through the API gateway. */
export interface OAuthCredentials {
  auth_type: 'oauth2';
  client_id: string;
  client_secret: string;
  refresh_token: string;
  access_token?: string;
  /** RFC 3339 */
  access_token_expires_at?: string;
}

/** A Cloud service account's OAuth 2.0 client credentials: always through the API gateway. */
export interface ServiceAccountCredentials {
  auth_type: 'service_account';
  client_id: string;
  client_secret: string;
}

/** Data Center Basic auth. */
export interface PasswordCredentials {
  auth_type: 'password';
  username: string;
  password: string;
}

export interface PersonalAccessTokenCredentials {
  auth_type: 'personal_access_token';
  personal_access_token: string;
}

export type Credentials = ApiTokenCredentials | OAuthCredentials | ServiceAccountCredentials | PersonalAccessTokenCredentials | PasswordCredentials;

export interface Config {
  /** Site root without a trailing slash, e.g. https://acme.atlassian.net or https://jira.corp/ctx */
  base_url: string;
  credentials: Credentials;
  /** RFC 3339; the earliest `updated` instant synced. */
  start_date: string;
  /** Project keys; empty or absent means every project the user can see. */
  projects?: string[];
  /** Extra JQL ANDed with the connector's own bounds. */
  jql?: string;
  /** How far before the saved cursor an incremental run starts again (late search indexing). */
  lookback_minutes: number;
  /** Issues per search page (ids-only pages on Cloud, full pages on Data Center). */
  page_size: number;
  /** Bounds each try of a request as a whole: headers and body. */
  request_timeout_seconds: number;
  /** Requests in flight at once. */
  max_concurrency: number;
  /** All the waits between the tries of one request together (Retry-After and backoff); the default applies when absent. */
  max_retry_wait_seconds?: number;
  /** PEM certificate(s) of a CA to trust besides the public ones (a site behind an internal CA). */
  ca_certificate?: string;
  /** Tests only (loopback): the OAuth token endpoint instead of https://auth.atlassian.com/oauth/token. */
  oauth_token_url?: string;
  /** Tests only (loopback): the API gateway root instead of https://api.atlassian.com. */
  api_gateway_url?: string;
}
