// Data Center credentials that never change during a run: a personal access token (Bearer) or a
// username and password (Basic), always on the site URL.
import type { Config, PasswordCredentials, PersonalAccessTokenCredentials } from '../../config/config.js';
import { ConnectorError } from '../../errors.js';
import { jiraMessage } from '../jira-error.js';
import type { CredentialsProvider, Rejection } from './credentials-provider.js';
import { siteRoute } from './gateway-route.js';

export function basicHeader(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

export function staticProvider(config: Config, c: PersonalAccessTokenCredentials | PasswordCredentials): CredentialsProvider {
  const header = c.auth_type === 'password' ? basicHeader(c.username, c.password) : `Bearer ${c.personal_access_token}`;
  const route = siteRoute(config);
  const fix =
    c.auth_type === 'password'
      ? 'check username and password (the Data Center username, not the email; the site must allow Basic authentication, and a CAPTCHA after failed logins blocks it until the user logs in once in the browser)'
      : 'check personal_access_token (a Data Center personal access token that has not expired)';
  return {
    ready: async () => {},
    route: () => route,
    authorization: async () => header,
    unauthorized: async () => false,
    rejected: (r: Rejection) =>
      new ConnectorError(`Jira rejected the credentials (401): ${fix}.`, 'config_error', { internal: `${r.method} ${r.path} answered 401: ${jiraMessage(r.body)}` }),
  };
}
