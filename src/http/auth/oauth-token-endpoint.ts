// The OAuth 2.0 token endpoint (https://auth.atlassian.com/oauth/token): a refresh_token grant for
// 3LO apps (Atlassian rotates the refresh token on every use) and a client_credentials grant for
// service accounts. Turns its refusals into errors that say which setting to fix.
import type { Config, OAuthCredentials, ServiceAccountCredentials } from '../../config/config.js';
import { ConnectorError } from '../../errors.js';
import type { AuthHttp } from './auth-http.js';

export const ATLASSIAN_TOKEN_URL = 'https://auth.atlassian.com/oauth/token';

export interface IssuedToken {
  accessToken: string;
  /** epoch ms */
  expiresAt: number;
  /** Present when the endpoint rotated the refresh token. */
  refreshToken?: string;
}

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
  error?: unknown;
  error_description?: unknown;
}

export async function requestToken(
  config: Config,
  c: OAuthCredentials | ServiceAccountCredentials,
  refreshToken: string | undefined,
  http: AuthHttp,
  now: () => number,
): Promise<IssuedToken> {
  const url = new URL(config.oauth_token_url ?? ATLASSIAN_TOKEN_URL);
  const grant =
    c.auth_type === 'oauth2'
      ? { grant_type: 'refresh_token', client_id: c.client_id, client_secret: c.client_secret, refresh_token: refreshToken }
      : { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret };
  const answer = await http({ method: 'POST', url, json: grant });
  let parsed: TokenAnswer = {};
  try {
    parsed = JSON.parse(answer.body) as TokenAnswer;
  } catch {
    // described below by its status
  }
  if (answer.status === 200 && typeof parsed.access_token === 'string' && parsed.access_token !== '') {
    const seconds = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 3600;
    return {
      accessToken: parsed.access_token,
      expiresAt: now() + seconds * 1000,
      ...(typeof parsed.refresh_token === 'string' && parsed.refresh_token !== '' ? { refreshToken: parsed.refresh_token } : {}),
    };
  }
  throw refusal(c, answer.status, parsed, url);
}

function refusal(c: OAuthCredentials | ServiceAccountCredentials, status: number, t: TokenAnswer, url: URL): ConnectorError {
  const code = typeof t.error === 'string' ? t.error : '';
  const description = typeof t.error_description === 'string' ? t.error_description : '';
  const said = [code, description].filter(Boolean).join(': ') || `HTTP ${status}`;
  const internal = { internal: `POST ${url.origin}${url.pathname} answered ${status}: ${said}` };
  if (status >= 500 || status === 429) {
    return new ConnectorError(`The OAuth token endpoint ${url.host} kept failing (HTTP ${status}); try again later.`, 'transient_error', internal);
  }
  // Atlassian documents invalid_grant "Unknown or invalid refresh token."; it also answers
  // unauthorized_client "refresh_token is invalid".
  if (c.auth_type === 'oauth2' && (code === 'invalid_grant' || /refresh.?token/i.test(description))) {
    return new ConnectorError(
      `The OAuth token endpoint refused the refresh token (${said}): it expired, was revoked, or was already used (Atlassian rotates refresh tokens, each works once). Run the consent flow again and put the new refresh_token in the config.`,
      'config_error',
      internal,
    );
  }
  if (code === 'invalid_client' || code === 'unauthorized_client' || code === 'access_denied' || status === 401 || status === 403) {
    const where = c.auth_type === 'oauth2' ? "the OAuth app's settings at developer.atlassian.com" : "the service account's OAuth 2.0 credential in admin.atlassian.com";
    return new ConnectorError(`The OAuth token endpoint refused the client (${said}): check client_id and client_secret against ${where}.`, 'config_error', internal);
  }
  return new ConnectorError(`The OAuth token endpoint did not issue an access token (${said}); check the credentials in the config.`, 'config_error', internal);
}
