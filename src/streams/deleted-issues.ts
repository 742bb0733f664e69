// deleted_issues: one row per issue found deleted since the previous run, from the id census (and the
// audit log where the credentials may read it); see census/census-run.ts and README "Deleted issues".
// It is read by the issues walk (same family, same state), which runs the census once for it and for
// the tombstones in `issues`.
import { readFileSync } from 'node:fs';
import type { JsonObject, Stream } from './stream.js';
import { issuesWalk } from './issues.js';
import { DELETED_ISSUES } from '../census/census-run.js';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/deleted_issues.json', import.meta.url), 'utf8')) as JsonObject;

export const deletedIssues: Stream = {
  name: DELETED_ISSUES,
  primaryKey: [['id']],
  cursorField: ['deleted_at'],
  schema,
  // Data Center's search pages by offset up to a 10,000-row window and 1000 rows a page: no census.
  availableOn: ['cloud'],
  endpoints: {
    cloud: 'id census: `POST /rest/api/3/search/jql` (ids and keys, 5000 a page) + `POST /rest/api/3/issue/bulkfetch` (confirms the missing) + `GET /rest/api/3/auditing/record` (admins)',
  },
  read: (ctx) => issuesWalk.read(ctx, [deletedIssues]),
  shared: issuesWalk,
};
