// Turns a Jira answer that will not get better by retrying into a ConnectorError that carries
// Jira's own words (errorMessages / errors) and says what the user can do about it.
import { ConnectorError } from '../errors.js';

/** Jira's ErrorCollection `{errorMessages: [], errors: {field: msg}}`, or a short excerpt of any other body. */
export function jiraMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errorMessages?: unknown; errors?: unknown; message?: unknown };
    const parts: string[] = [];
    if (Array.isArray(parsed.errorMessages)) parts.push(...parsed.errorMessages.map(String));
    if (parsed.errors && typeof parsed.errors === 'object') {
      for (const [k, v] of Object.entries(parsed.errors as Record<string, unknown>)) parts.push(`${k}: ${String(v)}`);
    }
    if (parts.length === 0 && typeof parsed.message === 'string') parts.push(parsed.message);
    if (parts.length > 0) return parts.join('; ');
  } catch {
    // not JSON: fall through to a plain-text excerpt
  }
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || '(empty body)';
}

/** What the client knew when the answer came. */
export interface AnswerContext {
  /** The Location header of a redirect. */
  location?: string;
  /** The full URL that was asked (a relative Location is resolved against it). */
  url?: string;
  /** Some earlier request of this client had a 2xx answer: base_url and the credentials are right. */
  siteAnswered?: boolean;
}

/** A redirect is never followed (it would carry the credentials elsewhere): it names where it points instead. */
function redirectError(status: number, method: string, path: string, ctx: AnswerContext): ConnectorError {
  let target = ctx.location?.trim() ?? '';
  let suggestion = '';
  if (target !== '') {
    try {
      const to = new URL(target, ctx.url);
      to.username = '';
      to.password = ''; // a Location may carry user info; it is never worth showing
      target = to.href;
      // A redirect of the whole site keeps the REST path: what precedes it is the base_url to use.
      if (to.pathname.endsWith(path)) suggestion = ` (probably ${to.origin}${to.pathname.slice(0, -path.length)})`;
    } catch {
      // an unparsable Location is shown as it came
    }
  }
  return new ConnectorError(
    `${method} ${path} was redirected (HTTP ${status}) to ${target === '' ? 'no Location' : target}: ` +
      `the connector does not follow redirects, so credentials never go to another address; set base_url to where the site really is${suggestion}.`,
    'config_error',
  );
}

/** A non-2xx answer after retries, with its status as a field: callers decide by status, never by message text. */
export class HttpStatusError extends ConnectorError {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    /** Jira's own words (its ErrorCollection, or an excerpt of the body) */
    readonly said: string,
    from: ConnectorError,
  ) {
    super(from.message, from.failureType, from.internal === undefined ? {} : { internal: from.internal });
    this.name = 'HttpStatusError';
  }
}

export function httpStatusError(status: number, method: string, path: string, body: string, bearer: boolean, ctx: AnswerContext = {}): HttpStatusError {
  return new HttpStatusError(status, method, path, jiraMessage(body), describeStatus(status, method, path, body, bearer, ctx));
}

function describeStatus(status: number, method: string, path: string, body: string, bearer: boolean, ctx: AnswerContext): ConnectorError {
  const said = jiraMessage(body).replace(/\.$/, ''); // the messages below add their own full stop
  const where = `${method} ${path}`;
  const internal = `${where} answered ${status}: ${said}`;
  if (status >= 300 && status < 400) return redirectError(status, method, path, ctx);
  if (status === 404 && ctx.siteAnswered === true) {
    // base_url and the credentials just worked, so "check base_url" would send the user the wrong way.
    return new ConnectorError(
      `Jira answered 404 (${said}) for ${where}, though the same site answered before: ` +
        "this Jira does not serve that endpoint, or a proxy in front of it blocks the path. Check that auth_type matches the site " +
        '(api_token, oauth2 or service_account for Jira Cloud; personal_access_token or password for Data Center, whose REST API lacks the Cloud endpoints), and that nothing between the connector and Jira filters REST paths.',
      'config_error',
      { internal },
    );
  }
  switch (status) {
    case 400:
      return new ConnectorError(
        `Jira rejected the request as invalid (400): ${said}. Fix the jql or projects setting in the config (a project key that does not exist or that the user cannot see also gives this).`,
        'config_error',
        { internal },
      );
    case 401:
      return new ConnectorError(
        bearer
          ? `Jira rejected the credentials (401): check personal_access_token (a Data Center personal access token that has not expired).`
          : `Jira rejected the credentials (401): check email and api_token (an API token from id.atlassian.com for that email).`,
        'config_error',
        { internal },
      );
    case 403:
      return new ConnectorError(
        `Jira denied access (403) to ${path}: ${said}. Give the user the Browse projects permission, or remove the project from projects in the config.`,
        'config_error',
        { internal },
      );
    case 404:
      return new ConnectorError(
        `Jira answered 404 for ${path}: ${said}. Check base_url: it must be the site root (https://<site>.atlassian.net, or the Data Center URL with its context path).`,
        'config_error',
        { internal },
      );
    default:
      if (status >= 500 || status === 429) {
        return new ConnectorError(`Jira kept failing with HTTP ${status} on ${path} after retries: ${said}. Try again later.`, 'transient_error', { internal });
      }
      return new ConnectorError(`Jira answered HTTP ${status} for ${path}: ${said}.`, 'system_error', { internal });
  }
}
