// Which of some issue ids Jira still has: POST /rest/api/3/issue/bulkfetch, 100 ids a call, reads
// current data (not the search index) and answers only the issues that exist and may be seen. So an
// id the census missed because the index lagged is found here and never taken for a deletion.
import type { HttpClient } from '../http/http-client.js';
import { ConnectorError } from '../errors.js';
import { BULKFETCH_MAX_IDS } from '../jira/bulk-fetch.js';
import { jiraTimeOrNaN } from '../jira/jira-time.js';

const PATH = '/rest/api/3/issue/bulkfetch';

/** `found`: each id Jira still has, with its `updated` (epoch ms; NaN when unreadable). */
export async function stillThere(http: HttpClient, ids: readonly number[]): Promise<{ found: Map<number, number>; requests: number }> {
  const found = new Map<number, number>();
  let requests = 0;
  for (let i = 0; i < ids.length; i += BULKFETCH_MAX_IDS) {
    const asked = ids.slice(i, i + BULKFETCH_MAX_IDS);
    const res = await http.json<{ issues?: unknown }>({ method: 'POST', path: PATH, body: { issueIdsOrKeys: asked.map(String), fields: ['updated'] } });
    requests++;
    if (!Array.isArray(res.issues)) throw new ConnectorError(`Jira answered ${PATH} without an issues array; no issue was marked deleted; try again later.`, 'transient_error');
    for (const issue of res.issues as Array<{ id?: unknown; fields?: { updated?: unknown } }>) {
      if (typeof issue?.id === 'string') found.set(Number(issue.id), jiraTimeOrNaN(issue.fields?.updated));
    }
  }
  return { found, requests };
}
