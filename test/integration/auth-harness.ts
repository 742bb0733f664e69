// Shared by the auth-*.test.ts files: configs for each way in, pointed at a simulator (its token
// endpoint and gateway through the test-only oauth_token_url and api_gateway_url), and the Singer
// catalog selecting the issues stream.
import type { Config } from '../../src/config/config.js';
import { runCli, singerBin, writeJsonFiles, type Message } from '../helpers/run-cli.js';
import { configFor, type RunningSimulator } from './issues-harness.js';

export const CREDENTIALS = {
  classic: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' },
  scoped: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-scoped-token' },
  oauth: { auth_type: 'oauth2', client_id: 'demo-client', client_secret: 'demo-client-secret', refresh_token: 'demo-refresh-token' },
  serviceAccount: { auth_type: 'service_account', client_id: 'demo-sa-client', client_secret: 'demo-sa-secret' },
  pat: { auth_type: 'personal_access_token', personal_access_token: 'demo-pat' },
  password: { auth_type: 'password', username: 'demo', password: 'demo-password' },
} as const;

/** Every secret the simulator's default credentials hold (scanned for in every output). */
export const DEFAULT_SECRETS = ['demo-token', 'demo-scoped-token', 'demo-client-secret', 'demo-refresh-token', 'demo-sa-secret', 'demo-pat', 'demo-password'];

export function authConfig(s: RunningSimulator, credentials: Record<string, unknown>, over: Partial<Config> = {}): Config {
  return {
    ...configFor(s, { oauth_token_url: `${s.url}/oauth/token`, api_gateway_url: s.url, ...over }),
    credentials: credentials as unknown as Config['credentials'],
  };
}

/** The CONTROL CONNECTOR_CONFIG messages of a run (the configs the platform would store). */
export function controlConfigs(messages: Message[]): Array<Record<string, any>> {
  return messages.filter((m) => m.type === 'CONTROL').map((m) => m.control.connectorConfig.config);
}

/** tap-jira's discovered catalog with only the issues stream selected. */
export async function singerIssuesCatalog(configPath: string): Promise<string> {
  const discovered = await runCli(singerBin, ['--config', configPath, '--discover']);
  if (discovered.code !== 0) throw new Error(`tap-jira --discover failed: ${discovered.stderr}`);
  const catalog = JSON.parse(discovered.stdout);
  for (const stream of catalog.streams) {
    const top = stream.metadata.find((m: any) => m.breadcrumb.length === 0);
    top.metadata.selected = stream.tap_stream_id === 'issues';
  }
  return writeJsonFiles({ catalog }).catalog!;
}
