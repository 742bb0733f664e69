// Issue deletions from Jira's audit log: GET /rest/api/3/auditing/record (offset pages of up to 1000,
// `filter` words, `from`/`to`), keeping records whose objectItem.typeName is ISSUE_DELETE (the issue
// id in objectItem.id, its key in objectItem.name). Only Jira administrators may read it: a 401/403
// (not allowed) or 404 (no audit log there) is an answer, not a failure: the census does without it.
import type { HttpClient } from '../http/http-client.js';
import { HttpStatusError } from '../http/jira-error.js';
import { ConnectorError } from '../errors.js';
import { jiraTimeOrNaN } from '../jira/jira-time.js';

const PATH = '/rest/api/3/auditing/record';
const LIMIT = 1000;

export interface AuditDeletion {
  /** the audit record's `created` */
  at: string;
  key: string | undefined;
}

export type AuditAnswer = { allowed: true; deleted: Map<number, AuditDeletion>; requests: number } | { allowed: false; status: number; said: string; requests: number };

interface AuditRecords {
  total?: unknown;
  records?: Array<{ created?: unknown; objectItem?: { id?: unknown; name?: unknown; typeName?: unknown } }>;
}


/** Deletions recorded at or after `from` (ISO; undefined: as far back as Jira keeps them), by issue id. */
export async function auditDeletions(http: HttpClient, from: string | undefined): Promise<AuditAnswer> {
  const deleted = new Map<number, AuditDeletion>();
  let requests = 0;
  for (let offset = 0; ; ) {
    let res: AuditRecords;
    try {
      requests++;
      res = await http.json<AuditRecords>({ method: 'GET', path: PATH, query: { filter: 'issue deleted', from, offset, limit: LIMIT } });
    } catch (err) {
      if (err instanceof HttpStatusError && [401, 403, 404].includes(err.status)) return { allowed: false, status: err.status, said: err.said, requests };
      throw err;
    }
    if (!Array.isArray(res.records) || typeof res.total !== 'number') {
      throw new ConnectorError(`Jira answered ${PATH} without records and total; the audit log was not used, no issue was marked deleted.`, 'system_error');
    }
    for (const r of res.records) {
      const item = r.objectItem;
      const id = typeof item?.id === 'string' && /^\d{1,15}$/.test(item.id) ? Number(item.id) : undefined;
      const at = jiraTimeOrNaN(r.created); // NaN: a record without a readable time names no deletion we could date
      if (item?.typeName !== 'ISSUE_DELETE' || id === undefined || Number.isNaN(at)) continue;
      deleted.set(id, { at: new Date(at).toISOString(), key: typeof item.name === 'string' ? item.name : undefined });
    }
    offset += res.records.length;
    if (res.records.length === 0 || offset >= res.total) break;
  }
  return { allowed: true, deleted, requests };
}
