// Which Jira the config points at: an API token means Jira Cloud (REST v3, enhanced search,
// bulkfetch); a personal access token means Data Center (REST v2, offset search).
import type { Config } from '../config/config.js';

export type Deployment = 'cloud' | 'datacenter';

export function deploymentOf(config: Config): Deployment {
  return config.credentials.auth_type === 'api_token' ? 'cloud' : 'datacenter';
}
