// OAuth 2.0 access tokens (3LO refresh tokens, or a service account's client credentials), always
// through the API gateway. The access token is renewed shortly before it expires, and again when a
// request gets a 401 with it (revoked early, or a clock apart); concurrent requests share one
// renewal. A rotated refresh token is handed to persistCredentials before it is used, so a run that
// dies later still leaves the stored config with a refresh token that works.
import type { Config, OAuthCredentials, ServiceAccountCredentials } from '../../config/config.js';
import { ConnectorError } from '../../errors.js';
import { jiraMessage } from '../jira-error.js';
import type { AuthDeps, CredentialsProvider, Route } from './credentials-provider.js';
import { gatewayRoute, lookUpCloudId } from './gateway-route.js';
import { requestToken } from './oauth-token-endpoint.js';
import { isScopeMismatch, missingScope } from './scopes.js';

/** Renew this long before expiry at most; short-lived tokens renew at a fifth of their lifetime before it. */
export const RENEW_MARGIN_MS = 60_000;

export function oauthProvider(config: Config, c: OAuthCredentials | ServiceAccountCredentials, deps: AuthDeps): CredentialsProvider {
  let route: Route | undefined;
  let refreshToken = c.auth_type === 'oauth2' ? c.refresh_token : undefined;
  let accessToken: string | undefined;
  let expiresAt = 0;
  let margin = 0;
  // An access token without its expiry (as an OAuth consent flow may leave it) is not trusted: renewed first.
  if (c.auth_type === 'oauth2' && c.access_token !== undefined && c.access_token !== '' && c.access_token_expires_at !== undefined) {
    accessToken = c.access_token;
    expiresAt = Date.parse(c.access_token_expires_at);
  }
  let renewing: Promise<void> | undefined;
  let preparing: Promise<void> | undefined;

  const renew = (): Promise<void> =>
    (renewing ??= (async () => {
      try {
        const issued = await requestToken(config, c, refreshToken, deps.http, deps.clock);
        deps.learnSecret?.(issued.accessToken);
        const lifetime = issued.expiresAt - deps.clock();
        margin = Math.min(RENEW_MARGIN_MS, lifetime / 5);
        if (issued.refreshToken !== undefined && issued.refreshToken !== refreshToken) {
          deps.learnSecret?.(issued.refreshToken);
          refreshToken = issued.refreshToken;
          await deps.persistCredentials?.({
            refresh_token: issued.refreshToken,
            access_token: issued.accessToken,
            access_token_expires_at: new Date(issued.expiresAt).toISOString(),
          });
          deps.logger.info('The OAuth refresh token was rotated; the new one was saved to the config');
        }
        accessToken = issued.accessToken;
        expiresAt = issued.expiresAt;
      } finally {
        renewing = undefined;
      }
    })());

  const header = (): string => `Bearer ${accessToken}`;
  const fresh = (): boolean => accessToken !== undefined && deps.clock() < expiresAt - margin;

  return {
    ready() {
      preparing ??= (async () => {
        route = gatewayRoute(config, await lookUpCloudId(config, deps.http));
      })();
      return preparing;
    },
    route() {
      if (route === undefined) throw new Error('oauthProvider: route() before ready()');
      return route;
    },
    async authorization() {
      if (!fresh()) await renew();
      return header();
    },
    async unauthorized(used, r) {
      if (isScopeMismatch(r.body)) return false; // a new token has the same scopes
      if (accessToken !== undefined && used !== header()) return true; // renewed meanwhile
      await renew();
      return true;
    },
    rejected(r) {
      const internal = { internal: `${r.method} ${r.path} answered 401 on ${route?.label ?? 'the gateway'}: ${jiraMessage(r.body)}` };
      if (isScopeMismatch(r.body)) {
        const scope = missingScope(r.path, r.body);
        const fix =
          c.auth_type === 'oauth2'
            ? `add ${scope} to the app's permissions at developer.atlassian.com and run the consent flow again`
            : `add ${scope} to the service account's OAuth 2.0 credential (or create a new one with it)`;
        return new ConnectorError(`The API gateway refused the access token for ${r.path} (401, scope does not match): it lacks the scope ${scope}; ${fix}.`, 'config_error', internal);
      }
      const who = c.auth_type === 'oauth2' ? 'the OAuth grant' : 'the service account';
      return new ConnectorError(
        `The API gateway refused a freshly issued access token (401): ${who} does not cover the site ${config.base_url}, or its access was revoked; check that base_url is the site the credentials were created for${c.auth_type === 'oauth2' ? ', or run the consent flow again for it' : ' and that the service account has Jira access there'}.`,
        'config_error',
        internal,
      );
    },
  };
}
