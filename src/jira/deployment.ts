// Which Jira the config points at: an API token, OAuth 2.0 or a service account means Jira Cloud
// (REST v3, enhanced search, bulkfetch); a personal access token or a password means Data Center
// (REST v2, offset search).
import type { Config } from '../config/config.js';

export type Deployment = 'cloud' | 'datacenter';

export function deploymentOf(config: Config): Deployment {
  const t = config.credentials.auth_type;
  return t === 'personal_access_token' || t === 'password' ? 'datacenter' : 'cloud';
}
