// Contract between the HTTP client and the auth layer: the client asks the provider where a request
// goes (the site or the API gateway) and which Authorization header it carries, and tells it once
// about a 401 so it can refresh a token or change route; the request is then retried once.
import type { Config } from '../../config/config.js';
import type { ConnectorError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { AuthHttp } from './auth-http.js';
import { cloudRouteProvider } from './cloud-route.js';
import { oauthProvider } from './oauth-provider.js';
import { staticProvider } from './static-credentials.js';

/** Where requests go: an origin and the path every REST path is appended to. */
export interface Route {
  origin: string;
  basePath: string;
  /** For messages, e.g. "the site https://acme.atlassian.net". */
  label: string;
}

/** A 401 as the client saw it. */
export interface Rejection {
  method: string;
  /** REST path below the route, e.g. /rest/api/3/myself */
  path: string;
  body: string;
  /** Some earlier request of this client had a 2xx answer. */
  anyAnswered: boolean;
}

export interface CredentialsProvider {
  /** Work needed before the first request (the cloud id of a gateway route, a first access token); cheap afterwards. */
  ready(): Promise<void>;
  route(): Route;
  /** The Authorization header for the next request; refreshes an access token about to expire. */
  authorization(): Promise<string>;
  /** A request sent with the `used` header got a 401: true when a retry may succeed (a new token, the other route). */
  unauthorized(used: string, rejection: Rejection): Promise<boolean>;
  /**
   * Whether the route may still change on a first 401 (cloud_route auto, where the site refuses a
   * scoped token): until the first request answers, nothing else should go out, since the site
   * answers a scoped token's other requests with its anonymous view.
   */
  routeOpen?(): boolean;
  /** The error for a 401 that a retry did not cure, naming what was tried and the fix. */
  rejected(rejection: Rejection): ConnectorError;
}

export interface AuthDeps {
  http: AuthHttp;
  logger: Logger;
  clock: () => number;
  /** Called with every secret met at run time (tokens a token endpoint sends), so no output shows it. */
  learnSecret?: (secret: string) => void;
  /** Persists rotated credentials (the new refresh token): merged into `credentials` of the stored config. */
  persistCredentials?: (credentials: Record<string, unknown>) => Promise<void>;
}

export function createCredentialsProvider(config: Config, deps: AuthDeps): CredentialsProvider {
  const c = config.credentials;
  switch (c.auth_type) {
    case 'api_token':
      return cloudRouteProvider(config, c, deps);
    case 'oauth2':
    case 'service_account':
      return oauthProvider(config, c, deps);
    case 'personal_access_token':
    case 'password':
      return staticProvider(config, c);
  }
}
