// Every rider of the issues walk by name (the issues stream's own member is in issues.ts).
import { issueChangelogsRider } from './issue-changelogs.js';
import { issueCommentsRider } from './issue-comments.js';
import { issueLinksRider } from './issue-links.js';
import type { WalkMember } from './rider.js';
import { sprintIssuesRider } from './sprint-issues.js';

export const RIDERS: readonly WalkMember[] = [issueLinksRider, sprintIssuesRider, issueChangelogsRider, issueCommentsRider];

export function riderNamed(name: string): WalkMember {
  const rider = RIDERS.find((r) => r.name === name);
  if (rider === undefined) throw new Error(`no rider of the issues walk is named ${name}`);
  return rider;
}
