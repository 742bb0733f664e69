// Whether a project the census no longer lists can still be seen: GET /rest/api/3/project/{key}.
// 200: it is there, so its issues really went (deleted or moved out of scope one by one); 404 or 403:
// it was deleted, or these credentials lost the right to browse it, which Jira does not tell apart.
import type { HttpClient } from '../http/http-client.js';
import { HttpStatusError } from '../http/jira-error.js';

export async function projectVisible(http: HttpClient, key: string): Promise<boolean> {
  try {
    await http.json({ method: 'GET', path: `/rest/api/3/project/${encodeURIComponent(key)}` });
    return true;
  } catch (err) {
    if (err instanceof HttpStatusError && (err.status === 404 || err.status === 403)) return false;
    throw err;
  }
}
