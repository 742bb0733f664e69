// The streams derived from the issues walk (issue_links, sprint_issues, issue_changelogs, issue_comments): each is read by the walk in
// issues.ts with its rider as the only member when it is selected alone (its own window and state),
// and together with the issues stream and the other riders when they start from the same state
// (shared-reads.ts): then they cost no request per issue. Incremental on the issue's `updated`
// (`issue_updated` in their records), with the same window, checkpoints and state shape as issues.
import { readFileSync } from 'node:fs';
import { issuesWalk } from './issues.js';
import type { JsonObject, Stream } from './stream.js';
import { riderNamed } from './riders/riders.js';

const schemaOf = (name: string) => JSON.parse(readFileSync(new URL(`../../../schemas/${name}.json`, import.meta.url), 'utf8')) as JsonObject;

function riderStream(name: string, primaryKey: string[][], from: string | Stream['endpoints'], cursor = 'issue_updated'): Stream {
  riderNamed(name); // fails at load when the rider is missing
  const stream: Stream = {
    name,
    primaryKey,
    cursorField: [cursor],
    schema: schemaOf(name),
    read: (ctx) => issuesWalk.read(ctx, [stream]),
    shared: issuesWalk,
    endpoints: typeof from === 'string' ? { cloud: `${from} of the \`issues\` walk's bodies (no request per issue)`, datacenter: 'same' } : from,
  };
  return stream;
}

export const issueLinks = riderStream('issue_links', [['issue_id'], ['id']], 'the `issuelinks` field');
export const sprintIssues = riderStream('sprint_issues', [['id']], 'the Sprint field');

// The history streams ride the walk too (only issues whose `updated` moved), with a request per group of issues.
export const issueChangelogs = riderStream(
  'issue_changelogs',
  [['id'], ['issueId']],
  {
    cloud: "`POST /rest/api/3/changelog/bulkfetch` for the `issues` walk's issues (1000 a call, token paged)",
    datacenter: "`expand=changelog` on the `issues` walk's search (`GET /rest/api/2/issue/{id}?expand=changelog` for one cut short)",
  },
  'created',
);
export const issueComments = riderStream(
  'issue_comments',
  [['id']],
  {
    cloud: "the `comment` field of the `issues` walk's bodies, plus `GET /rest/api/3/issue/{id}/comment` (100 a page) for an issue with more than they carry",
    datacenter: 'same, `/rest/api/2`',
  },
  'updated',
);
