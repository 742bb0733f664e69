// The streams derived from the issues walk (issue_links, sprint_issues): each is read by the walk in
// issues.ts with its rider as the only member when it is selected alone (its own window and state),
// and together with the issues stream and the other riders when they start from the same state
// (shared-reads.ts): then they cost no request per issue. Incremental on the issue's `updated`
// (`issue_updated` in their records), with the same window, checkpoints and state shape as issues.
import { readFileSync } from 'node:fs';
import { issuesWalk } from './issues.js';
import type { JsonObject, Stream } from './stream.js';
import { riderNamed } from './riders/riders.js';

const schemaOf = (name: string) => JSON.parse(readFileSync(new URL(`../../../schemas/${name}.json`, import.meta.url), 'utf8')) as JsonObject;

function riderStream(name: string, primaryKey: string[][], from: string): Stream {
  riderNamed(name); // fails at load when the rider is missing
  const stream: Stream = {
    name,
    primaryKey,
    cursorField: ['issue_updated'],
    schema: schemaOf(name),
    read: (ctx) => issuesWalk.read(ctx, [stream]),
    shared: issuesWalk,
    endpoints: { cloud: `${from} of the \`issues\` walk's bodies (no request per issue)`, datacenter: 'same' },
  };
  return stream;
}

export const issueLinks = riderStream('issue_links', [['issue_id'], ['id']], 'the `issuelinks` field');
export const sprintIssues = riderStream('sprint_issues', [['id']], 'the Sprint field');
