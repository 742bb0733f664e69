// Which of some issue ids Jira still has: POST /rest/api/3/issue/bulkfetch, 100 ids a call, reads
// current data (not the search index) and answers only the issues that exist and may be seen. So an
// id the census missed because the index lagged is found here and never taken for a deletion.
import type { HttpClient } from '../http/http-client.js';
import { ConnectorError } from '../errors.js';
import { BULKFETCH_MAX_IDS } from '../jira/bulk-fetch.js';

const PATH = '/rest/api/3/issue/bulkfetch';

export async function stillThere(http: HttpClient, ids: readonly number[]): Promise<{ found: Set<number>; requests: number }> {
  const found = new Set<number>();
  let requests = 0;
  for (let i = 0; i < ids.length; i += BULKFETCH_MAX_IDS) {
    const asked = ids.slice(i, i + BULKFETCH_MAX_IDS);
    const res = await http.json<{ issues?: unknown }>({ method: 'POST', path: PATH, body: { issueIdsOrKeys: asked.map(String), fields: ['id'] } });
    requests++;
    if (!Array.isArray(res.issues)) throw new ConnectorError(`Jira answered ${PATH} without an issues array; no issue was marked deleted; try again later.`, 'transient_error');
    for (const issue of res.issues as Array<{ id?: unknown }>) if (typeof issue?.id === 'string') found.add(Number(issue.id));
  }
  return { found, requests };
}
