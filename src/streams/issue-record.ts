// Jira issue -> the flat record a warehouse user wants, plus the raw `fields` object.
import type { FieldPicks, IssueParts } from '../jira/issue-parts.js';
import { toUtcRfc3339 } from '../jira/jira-time.js';
import type { JsonObject } from './stream.js';

/** The field values the flat columns are made of (see issue-parts.ts). */
export const ISSUE_PICKS: FieldPicks = {
  summary: null,
  created: null,
  updated: null,
  labels: null,
  status: 'name',
  assignee: 'displayName',
  reporter: 'displayName',
  project: 'key',
  issuetype: 'name',
  priority: 'name',
};

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** `browseUrl`: the site root without a trailing slash. */
export function issueRecord(issue: IssueParts, browseUrl: string): JsonObject {
  const v = issue.picked;
  return {
    key: issue.key,
    id: issue.id,
    updated: toUtcRfc3339(v.updated),
    created: toUtcRfc3339(v.created),
    summary: text(v.summary),
    status: text(v.status),
    assignee: text(v.assignee),
    labels: Array.isArray(v.labels) ? v.labels.map(String) : [],
    reporter: text(v.reporter),
    project: text(v.project),
    issue_type: text(v.issuetype),
    priority: text(v.priority),
    url: `${browseUrl}/browse/${issue.key}`,
    fields: issue.fields,
  };
}

export const browseRoot = (baseUrl: string): string => baseUrl.replace(/\/+$/, '');
