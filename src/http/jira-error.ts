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

export function httpStatusError(status: number, method: string, path: string, body: string, bearer: boolean): HttpStatusError {
  return new HttpStatusError(status, method, path, jiraMessage(body), describeStatus(status, method, path, body, bearer));
}

function describeStatus(status: number, method: string, path: string, body: string, bearer: boolean): ConnectorError {
  const said = jiraMessage(body);
  const where = `${method} ${path}`;
  const internal = `${where} answered ${status}: ${said}`;
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
