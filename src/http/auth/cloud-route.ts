// Cloud API tokens (email + token, Basic). A classic token works on the site URL; a scoped token (the
// only kind a service account can create) works only through the API gateway, and nothing in the
// token tells the two apart. cloud_route picks the route; `auto` tries the site and, when the site
// refuses the token before anything succeeded (the /myself that starts check and read), the gateway
// once. Later 401s are not re-routed: the credentials stopped working.
import type { ApiTokenCredentials, Config } from '../../config/config.js';
import { ConnectorError } from '../../errors.js';
import { jiraMessage } from '../jira-error.js';
import type { AuthDeps, CredentialsProvider, Rejection, Route } from './credentials-provider.js';
import { gatewayAvailable, gatewayRoute, lookUpCloudId, siteRoute } from './gateway-route.js';
import { isScopeMismatch, missingScope } from './scopes.js';
import { basicHeader } from './static-credentials.js';

export function cloudRouteProvider(config: Config, c: ApiTokenCredentials, deps: AuthDeps): CredentialsProvider {
  const mode = c.cloud_route ?? 'auto';
  const header = basicHeader(c.email, c.api_token);
  const canSwitch = mode === 'auto' && gatewayAvailable(config);
  let route: Route = siteRoute(config);
  let preparing: Promise<void> | undefined;
  /** The site's 401 when `auto` moved on to the gateway. */
  let siteRefusal: Rejection | undefined;

  const toGateway = async (): Promise<void> => {
    route = gatewayRoute(config, await lookUpCloudId(config, deps.http));
  };

  const cause = (r: Rejection): string =>
    isScopeMismatch(r.body)
      ? `the token is a scoped token without the scope ${missingScope(r.path, r.body)} (${r.path} needs it): create a token with the scopes listed in the README (Authentication)`
      : 'a wrong, expired or revoked api_token, or an email that does not own it: check email and api_token';

  return {
    ready() {
      if (mode !== 'gateway') return Promise.resolve();
      preparing ??= toGateway();
      return preparing;
    },
    route: () => route,
    routeOpen: () => canSwitch,
    authorization: async () => header,
    async unauthorized(_used, r) {
      if (!canSwitch || siteRefusal !== undefined || r.anyAnswered) return false;
      siteRefusal = r;
      try {
        await toGateway();
      } catch (err) {
        const why = err instanceof ConnectorError ? err.message : String(err);
        throw new ConnectorError(
          `Jira rejected the credentials on the site ${config.base_url} (401), and the API gateway could not be tried: ${why} Check email and api_token.`,
          'config_error',
          { internal: `${r.method} ${r.path} answered 401: ${jiraMessage(r.body)}` },
        );
      }
      deps.logger.info(`The site refused the API token (401): trying it through ${route.label} (scoped tokens work only there)`);
      return true;
    },
    rejected(r) {
      const internal = { internal: `${r.method} ${r.path} answered 401 on ${route.label}: ${jiraMessage(r.body)}` };
      if (r.anyAnswered && isScopeMismatch(r.body)) {
        // The token works, but not for this endpoint (a stream needing a scope the token lacks).
        const scope = missingScope(r.path, r.body);
        return new ConnectorError(
          `${route.label} refused ${r.path} (401, scope does not match): the token lacks the scope ${scope}; create a token that has it (see the README, Authentication), or leave the streams that need it out of the catalog.`,
          'config_error',
          internal,
        );
      }
      if (siteRefusal !== undefined) {
        return new ConnectorError(
          `Jira rejected the credentials twice: the site ${config.base_url} answered 401 to ${siteRefusal.path}, and ${route.label} answered 401 (${jiraMessage(r.body).replace(/\.$/, '')}). Likely cause: ${cause(r)}.`,
          'config_error',
          internal,
        );
      }
      if (mode === 'gateway') {
        return new ConnectorError(`${route.label} rejected the credentials (401). Likely cause: ${cause(r)}.`, 'config_error', internal);
      }
      const hint =
        mode === 'site'
          ? ' A scoped token (or a service account\'s) works only through the API gateway: set cloud_route to "auto" or "gateway".'
          : '';
      return new ConnectorError(
        `Jira rejected the credentials (401): check email and api_token (an API token from id.atlassian.com for that email).${hint}`,
        'config_error',
        internal,
      );
    },
  };
}
