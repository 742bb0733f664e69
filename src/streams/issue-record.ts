// Jira issue JSON -> the flat record a warehouse user wants, plus the raw `fields` object.
import type { JiraIssue } from '../jira/issue-search.js';
import { toUtcRfc3339 } from '../jira/jira-time.js';
import type { JsonObject } from './stream.js';

function prop(value: unknown, name: string): string | null {
  if (value === null || typeof value !== 'object') return null;
  const v = (value as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : null;
}

export function issueRecord(issue: JiraIssue, baseUrl: string): JsonObject {
  const f = issue.fields ?? {};
  return {
    key: issue.key,
    id: String(issue.id),
    updated: toUtcRfc3339(f.updated),
    created: toUtcRfc3339(f.created),
    summary: typeof f.summary === 'string' ? f.summary : null,
    status: prop(f.status, 'name'),
    assignee: prop(f.assignee, 'displayName'),
    labels: Array.isArray(f.labels) ? f.labels.map(String) : [],
    reporter: prop(f.reporter, 'displayName'),
    project: prop(f.project, 'key'),
    issue_type: prop(f.issuetype, 'name'),
    priority: prop(f.priority, 'name'),
    url: `${baseUrl.replace(/\/+$/, '')}/browse/${issue.key}`,
    fields: f,
  };
}
