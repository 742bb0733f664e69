// The one ordered list of streams the connector offers (issues first, then the order of
// shared streams.md), and which of them a deployment offers.
import type { Deployment } from '../jira/deployment.js';
import type { Stream } from './stream.js';
import { issuesStream } from './issues.js';
import { boardColumns, boards, sprints } from './lists/agile.js';
import { issueCustomFieldContexts, issueCustomFieldOptions, issueFields, issueLinkTypes, issuePriorities, issueResolutions, issueTypes, labels } from './lists/issue-meta.js';
import { filters, groupMembers, groups, users } from './lists/people.js';
import { projectCategories, projectComponents, projects, projectVersions } from './lists/projects.js';
import { workflowStatusCategories, workflowStatuses } from './lists/workflow.js';
import { issueChangelogs, issueComments, issueLinks, sprintIssues } from './walk-family.js';
import { boardIssues } from './board-issues.js';
import { deletedIssues } from './deleted-issues.js';
import { deletedWorklogs, issueWorklogs } from './worklogs.js';

export function allStreams(): Stream[] {
  return [
    issuesStream,
    issueChangelogs,
    workflowStatuses,
    workflowStatusCategories,
    issueFields,
    issueComments,
    projects,
    users,
    sprints,
    sprintIssues,
    boards,
    boardIssues,
    boardColumns,
    issueTypes,
    issuePriorities,
    issueResolutions,
    issueLinks,
    issueLinkTypes,
    issueWorklogs,
    deletedWorklogs,
    projectVersions,
    projectComponents,
    issueCustomFieldContexts,
    issueCustomFieldOptions,
    projectCategories,
    labels,
    groups,
    groupMembers,
    filters,
    deletedIssues,
  ];
}

/** The streams a site of this deployment has endpoints for: what discover offers and read accepts. */
export function streamsFor(streams: Stream[], deployment: Deployment): Stream[] {
  return streams.filter((s) => s.availableOn === undefined || s.availableOn.includes(deployment));
}
