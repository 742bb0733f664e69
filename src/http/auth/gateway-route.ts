// The Atlassian API gateway: https://api.atlassian.com/ex/jira/{cloudId}, the only address that
// accepts OAuth 2.0 access tokens and scoped API tokens. The cloud id comes from the site's public
// tenant-info endpoint (no credentials needed), so the user only ever gives the site URL.
import type { Config } from '../../config/config.js';
import { ConnectorError } from '../../errors.js';
import { jiraMessage } from '../jira-error.js';
import type { AuthHttp } from './auth-http.js';
import type { Route } from './credentials-provider.js';

export const ATLASSIAN_GATEWAY = 'https://api.atlassian.com';

/** Hosts of Jira Cloud sites: only they have a cloud id and a gateway route. */
export function isCloudSiteHost(host: string): boolean {
  return /\.(atlassian\.net|jira\.com|jira-dev\.com)$/i.test(host);
}

/** Whether a gateway route exists for the config: a Cloud site, or a test gateway (api_gateway_url). */
export function gatewayAvailable(config: Config): boolean {
  return config.api_gateway_url !== undefined || isCloudSiteHost(new URL(config.base_url).hostname);
}

export function siteRoute(config: Config): Route {
  const site = new URL(config.base_url);
  return { origin: site.origin, basePath: site.pathname.replace(/\/+$/, ''), label: `the site ${config.base_url}` };
}

export function gatewayRoute(config: Config, cloudId: string): Route {
  const gateway = new URL(config.api_gateway_url ?? ATLASSIAN_GATEWAY);
  const basePath = `${gateway.pathname.replace(/\/+$/, '')}/ex/jira/${encodeURIComponent(cloudId)}`;
  return { origin: gateway.origin, basePath, label: `the API gateway ${gateway.origin}${basePath}` };
}

/** The site's cloud id, from GET <site>/_edge/tenant_info ({"cloudId": "..."}). */
export async function lookUpCloudId(config: Config, http: AuthHttp): Promise<string> {
  const site = new URL(config.base_url);
  const url = new URL('/_edge/tenant_info', site.origin);
  const answer = await http({ method: 'GET', url });
  const fix = 'OAuth 2.0, service accounts and scoped tokens work only with Jira Cloud: set base_url to https://<site>.atlassian.net';
  if (answer.status !== 200) {
    throw new ConnectorError(`Cannot find the cloud id of ${site.origin}: ${url.pathname} answered HTTP ${answer.status}. ${fix}.`, 'config_error', {
      internal: `GET ${url.pathname} answered ${answer.status}: ${jiraMessage(answer.body)}`,
    });
  }
  let cloudId: unknown;
  try {
    cloudId = (JSON.parse(answer.body) as { cloudId?: unknown }).cloudId;
  } catch {
    cloudId = undefined;
  }
  if (typeof cloudId !== 'string' || !/^[\w-]+$/.test(cloudId)) {
    throw new ConnectorError(`Cannot find the cloud id of ${site.origin}: ${url.pathname} did not name one. ${fix}.`, 'config_error');
  }
  return cloudId;
}
