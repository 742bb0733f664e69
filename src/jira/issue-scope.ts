// Which issues, of a set of ids, lie in the configured scope (`projects`, `jql`): for streams read from
// site-wide feeds (worklogs) that must keep only the scope's rows. One ids-only search per batch:
// `id in (...) AND <scope>` (Cloud POST /search/jql, Data Center POST /search), then for the ids it
// did not list, the same without the scope: listed there, the issue is outside the scope. Listed in
// neither, the search index does not know the issue yet (created a moment ago): it is read itself
// (`GET /issue/{id}?fields=project`, rare) and kept when its project is in `projects`; with a `jql`
// that only the search can evaluate, it is kept (at worst a row outside the scope, never a lost one);
// gone (404), it is dropped. Answers are remembered for the run.
import type { HttpClient } from '../http/http-client.js';
import { HttpStatusError } from '../http/jira-error.js';
import type { Deployment } from './deployment.js';
import { idsJql, type JqlScope } from './jql.js';

/** Ids a search is asked about at once (the JQL stays a few kilobytes). */
const IDS_PER_SEARCH = 1000;

export class IssueScope {
  private known = new Map<string, boolean>();
  /** requests made (searches, and single issues the index did not know yet), for the request budget */
  searches = 0;
  lookups = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly deployment: Deployment,
    private readonly scope: JqlScope,
  ) {}

  /** True when the config names no projects and no JQL: every issue is in scope, and nothing is asked. */
  get everything(): boolean {
    return !this.scope.userJql?.trim() && !(this.scope.projects && this.scope.projects.length > 0);
  }

  /** The ids (of `ids`) in scope. */
  async inScope(ids: Iterable<string>): Promise<Set<string>> {
    const all = [...new Set(ids)];
    if (this.everything) return new Set(all);
    const unknown = all.filter((id) => !this.known.has(id));
    for (let i = 0; i < unknown.length; i += IDS_PER_SEARCH) {
      const chunk = unknown.slice(i, i + IDS_PER_SEARCH);
      const inside = await this.search(idsJql(this.scope, chunk));
      const rest = chunk.filter((id) => !inside.has(id));
      const anywhere = rest.length > 0 ? await this.search(idsJql({}, rest)) : new Set<string>();
      for (const id of chunk) if (inside.has(id) || anywhere.has(id)) this.known.set(id, inside.has(id));
      for (const id of chunk) if (!this.known.has(id)) this.known.set(id, await this.unindexed(id));
    }
    return new Set(all.filter((id) => this.known.get(id)));
  }

  /** An issue the search does not list at all: in scope when its project is (a jql cannot be checked here). */
  private async unindexed(id: string): Promise<boolean> {
    this.lookups++;
    try {
      const path = `${this.deployment === 'cloud' ? '/rest/api/3' : '/rest/api/2'}/issue/${encodeURIComponent(id)}`;
      const issue = await this.http.json<{ fields?: { project?: { key?: unknown } } }>({ method: 'GET', path, query: { fields: 'project' } });
      const key = issue.fields?.project?.key;
      return !this.scope.projects?.length || (typeof key === 'string' && this.scope.projects.includes(key));
    } catch (err) {
      if (err instanceof HttpStatusError && err.status === 404) return false;
      throw err;
    }
  }

  private async search(jql: string): Promise<Set<string>> {
    const out = new Set<string>();
    const cloud = this.deployment === 'cloud';
    let token: string | undefined;
    let startAt = 0;
    for (;;) {
      this.searches++;
      const body: Record<string, unknown> = cloud
        ? { jql, fields: ['id'], maxResults: 5000, ...(token ? { nextPageToken: token } : {}) }
        : { jql, fields: ['id'], maxResults: 1000, startAt };
      const res = await this.http.json<{ issues?: Array<{ id?: unknown }>; nextPageToken?: unknown; isLast?: unknown; total?: unknown }>({
        method: 'POST',
        path: cloud ? '/rest/api/3/search/jql' : '/rest/api/2/search',
        body,
        priority: true,
      });
      const issues = Array.isArray(res.issues) ? res.issues : [];
      for (const issue of issues) if (typeof issue?.id === 'string') out.add(issue.id);
      if (cloud) {
        token = typeof res.nextPageToken === 'string' && res.nextPageToken !== '' ? res.nextPageToken : undefined;
        if (res.isLast === true || token === undefined) return out;
      } else {
        startAt += issues.length;
        if (issues.length === 0 || startAt >= (typeof res.total === 'number' ? res.total : 0)) return out;
      }
    }
  }
}
