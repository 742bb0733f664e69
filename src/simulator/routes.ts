// The route table for each deployment mode.
import type { SimReply } from './http-io.js';
import * as agile from './routes-agile.js';
import { auditRecords } from './routes-audit.js';
import * as issue from './routes-issue.js';
import * as lists from './routes-lists.js';
import * as meta from './routes-meta.js';
import type { Route } from './router.js';
import * as search from './routes-search.js';
import type { DeploymentMode } from './types.js';

const GONE: SimReply = {
  status: 410,
  json: {
    errorMessages: ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046'],
    errors: {},
  },
};

export function buildRoutes(mode: DeploymentMode): Route[] {
  const cloud = mode === 'cloud';
  // Cloud serves v2 and v3; Data Center serves v2 (and `latest`) only.
  const versions: Array<'2' | '3'> = cloud ? ['2', '3'] : ['2'];
  const r = (method: string, path: string, handler: Route['handler']): Route => ({ method, pattern: `/rest/api/{v}${path}`, handler, versions });
  const routes: Route[] = [
    r('GET', '/myself', meta.myself),
    r('GET', '/serverInfo', meta.serverInfo),
    r('GET', '/field', meta.fields),
    r('GET', '/project/search', meta.projectSearch),
    r('GET', '/project', meta.projectsList),
    r('GET', '/project/{id}', meta.projectGet),
    r('GET', '/project/{id}/versions', meta.projectVersions),
    r('GET', '/project/{id}/components', meta.projectComponents),
    r('GET', '/status', meta.statuses),
    r('GET', '/statuscategory', meta.statusCategories),
    r('GET', '/priority', meta.priorities),
    r('GET', '/issuetype', meta.issueTypes),
    r('GET', '/resolution', meta.resolutions),
    r('GET', '/users/search', meta.usersSearch),
    r('GET', '/issueLinkType', lists.issueLinkTypes),
    r('GET', '/projectCategory', lists.projectCategories),
    r('POST', '/issue/bulkfetch', search.bulkFetch),
    r('GET', '/issue/{id}', issue.getIssue),
    r('GET', '/issue/{id}/comment', issue.comments),
    r('GET', '/issue/{id}/worklog', issue.worklogs),
    r('GET', '/issue/{id}/changelog', issue.changelog),
    r('POST', '/changelog/bulkfetch', issue.changelogBulk),
    r('GET', '/worklog/updated', issue.worklogUpdated),
    r('GET', '/worklog/deleted', issue.worklogDeleted),
    r('POST', '/worklog/list', issue.worklogList),
    { method: 'GET', pattern: '/rest/agile/1.0/board', handler: agile.boards },
    { method: 'GET', pattern: '/rest/agile/1.0/board/{id}/sprint', handler: agile.boardSprints },
    { method: 'GET', pattern: '/rest/agile/1.0/board/{id}/configuration', handler: agile.boardConfiguration },
    { method: 'GET', pattern: '/rest/agile/1.0/sprint/{id}/issue', handler: agile.sprintIssues },
    { method: 'GET', pattern: '/rest/agile/1.0/board/{id}/issue', handler: agile.boardIssues },
  ];
  if (cloud) {
    routes.push(
      r('GET', '/search/jql', search.searchJql),
      r('POST', '/search/jql', search.searchJql),
      r('POST', '/search/approximate-count', search.approximateCount),
      r('GET', '/priority/search', lists.prioritySearch),
      r('GET', '/resolution/search', lists.resolutionSearch),
      r('GET', '/project/{id}/version', lists.projectVersionsPage),
      r('GET', '/project/{id}/component', lists.projectComponentsPage),
      r('GET', '/label', lists.labels),
      r('GET', '/field/{id}/context', lists.fieldContexts),
      r('GET', '/field/{id}/context/{ctx}/option', lists.contextOptions),
      r('GET', '/group/bulk', lists.groupBulk),
      r('GET', '/group/member', lists.groupMember),
      r('GET', '/filter/search', lists.filterSearch),
      r('GET', '/auditing/record', auditRecords),
      r('GET', '/search', () => GONE),
      r('POST', '/search', () => GONE),
    );
  } else {
    routes.push(r('GET', '/search', search.searchDc), r('POST', '/search', search.searchDc), r('GET', '/user/search', lists.userSearch), r('GET', '/user/list', lists.userList));
  }
  return routes;
}
