// Contract: resolves when the credentials really authenticate (Jira answers wrong Basic credentials
// with 200 and an anonymous view everywhere except /myself), otherwise throws a config_error.
import { SiteUnreachableError, type HttpClient } from '../http/http-client.js';
import { ConnectorError } from '../errors.js';
import { HttpStatusError } from '../http/jira-error.js';

export interface Myself {
  accountId?: string;
  name?: string;
  displayName?: string;
  timeZone?: string;
}

export async function checkConnection(http: HttpClient): Promise<void> {
  const apiRoot = http.apiRoot ?? '/rest/api/3';
  let me: Myself;
  try {
    me = await http.json<Myself>({ method: 'GET', path: `${apiRoot}/myself` });
  } catch (err) {
    if (err instanceof HttpStatusError && err.status === 404) {
      throw new ConnectorError(
        `base_url is not a Jira site: ${apiRoot}/myself was not found (404). Set base_url to the site root, e.g. https://<site>.atlassian.net or the Data Center URL with its context path.`,
        'config_error',
        { internal: err.internal ?? err.message },
      );
    }
    // During a check, a host that refuses or does not resolve is almost always a wrong base_url:
    // a config problem the user fixes on the form (mid-read it stays transient).
    if (err instanceof SiteUnreachableError) throw new ConnectorError(err.message, 'config_error', { internal: err.internal ?? '' });
    throw err;
  }
  if (me === null || typeof me !== 'object' || (me.accountId === undefined && me.name === undefined && me.displayName === undefined)) {
    throw new ConnectorError(
      `base_url is not a Jira site: ${apiRoot}/myself did not describe a user. Set base_url to the site root (https://<site>.atlassian.net or the Data Center URL).`,
      'config_error',
    );
  }
}
