// The validated connector configuration (shape defined by spec.json; validation lives in validate-config.ts).
export interface ApiTokenCredentials {
  auth_type: 'api_token';
  email: string;
  api_token: string;
}

export interface PersonalAccessTokenCredentials {
  auth_type: 'personal_access_token';
  personal_access_token: string;
}

export type Credentials = ApiTokenCredentials | PersonalAccessTokenCredentials;

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
  request_timeout_seconds: number;
  /** Requests in flight at once. */
  max_concurrency: number;
}
