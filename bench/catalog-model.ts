// The limit model of a full refresh of the list streams (`npm run bench -- --catalog`): the fewest
// requests Jira's page caps allow, and the fewest round trips in which they can be made with
// max_concurrency requests in flight. Pure functions over the simulator's list truth, so the unit
// tests can pin them.
//
// What is counted, and why:
// - One list is read page after page: Jira caps page sizes silently, so the next page's startAt is
//   only known from the previous answer (sequential round trips). A PageBean says isLast, so a list
//   of n items takes max(1, ⌈n / cap⌉) pages; a bare array (users) says nothing, so only an empty
//   page ends it: ⌈n / cap⌉ + 1. A list without paging is one request.
// - A child list (a project's versions, a board's sprints, …) can start once the page listing its
//   parent has arrived; every parent's children may be read in parallel. A parent list shared by
//   several child streams (projects for versions and components) is read once.
// - One /myself comes first (read proves the credentials before anything else).
// - Round trips: the requests form a forest (each request waits for one other); the fewest rounds
//   on C slots is the makespan of Hu's highest-level-first schedule of the reversed forest, which
//   is optimal for unit-time tasks on a forest. Server work, transfer and the connector's CPU are
//   left out on purpose, as in the issues model (limit-model.ts).

export type PageKind = 'pageBean' | 'bareArray' | 'single';

export interface ListSpec {
  /** the stream whose endpoint lists these items */
  stream: string;
  kind: PageKind;
  /** Jira's largest page for the endpoint */
  cap: number;
  /** the parent stream whose every row has its own list (its endpoint called once per parent) */
  parent?: string;
}

/**
 * Jira Cloud's lists behind each non-issue stream and their page caps (Jira's documented maxima, from
 * the platform and agile REST references; the simulator enforces the same).
 */
export const CLOUD_LISTS: ListSpec[] = [
  { stream: 'workflow_statuses', kind: 'single', cap: Infinity },
  { stream: 'workflow_status_categories', kind: 'single', cap: Infinity },
  { stream: 'issue_fields', kind: 'single', cap: Infinity },
  { stream: 'projects', kind: 'pageBean', cap: 100 },
  { stream: 'users', kind: 'bareArray', cap: 1000 },
  { stream: 'boards', kind: 'pageBean', cap: 50 },
  { stream: 'sprints', kind: 'pageBean', cap: 50, parent: 'boards' },
  { stream: 'board_columns', kind: 'single', cap: Infinity, parent: 'boards' },
  { stream: 'issue_types', kind: 'single', cap: Infinity },
  { stream: 'issue_priorities', kind: 'pageBean', cap: 50 },
  { stream: 'issue_resolutions', kind: 'pageBean', cap: 50 },
  { stream: 'issue_link_types', kind: 'single', cap: Infinity },
  { stream: 'project_versions', kind: 'pageBean', cap: 50, parent: 'projects' },
  { stream: 'project_components', kind: 'pageBean', cap: 50, parent: 'projects' },
  { stream: 'issue_custom_field_contexts', kind: 'pageBean', cap: 50, parent: 'issue_fields' },
  { stream: 'issue_custom_field_options', kind: 'pageBean', cap: 1000, parent: 'issue_custom_field_contexts' },
  { stream: 'project_categories', kind: 'single', cap: Infinity },
  { stream: 'labels', kind: 'pageBean', cap: 1000 },
  { stream: 'groups', kind: 'pageBean', cap: 50 },
  { stream: 'group_members', kind: 'pageBean', cap: 50, parent: 'groups' },
  { stream: 'filters', kind: 'pageBean', cap: 100 },
];

/** What the model needs of the site: items per list, and per parent for child lists. */
export interface SiteLists {
  [stream: string]: { keys: unknown[]; perParent?: Record<string, number | 'refused'> };
}

/** Requests to read a list of n items of this kind: sequential pages. */
export function pagesOf(n: number | 'refused', kind: PageKind, cap: number): number {
  if (n === 'refused' || kind === 'single') return 1;
  if (kind === 'bareArray') return Math.ceil(n / cap) + 1;
  return Math.max(1, Math.ceil(n / cap));
}

interface Node {
  depth: number;
  parent: number;
  pending: number;
}

export interface CatalogPlan {
  /** fewest requests, /myself included */
  requests: number;
  /** per stream: requests of its own lists (a shared parent list is counted once, under its stream) */
  byStream: Record<string, number>;
  /** fewest sequential round trips with `concurrency` requests in flight */
  rounds: number;
  /** the longest chain of requests that wait for each other */
  criticalPath: number;
}

/** The plan for reading `streams` (those of `lists` the run selects) with `concurrency` requests in flight. */
export function catalogPlan(site: SiteLists, streams: string[], concurrency: number, lists: ListSpec[] = CLOUD_LISTS): CatalogPlan {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const nodes: Node[] = [{ depth: 1, parent: -1, pending: 0 }]; // /myself
  const add = (after: number): number => {
    nodes.push({ depth: nodes[after]!.depth + 1, parent: after, pending: 0 });
    nodes[after]!.pending++;
    return nodes.length - 1;
  };
  /** A chain of `pages` requests after `after`; returns its last request (children wait for the page listing them: its last, for simplicity when a parent list has several pages). */
  /** A chain of `pages` requests after `after`; returns the requests in order. */
  const chain = (after: number, pages: number): number[] => {
    const out: number[] = [];
    for (let i = 0, at = after; i < pages; i++) out.push((at = add(at)));
    return out;
  };
  /** The request after which the j-th item of a list read by `pages` is known (the page listing it). */
  const pageOf = (pages: number[], j: number, l: ListSpec) => pages[Math.min(pages.length - 1, Number.isFinite(l.cap) ? Math.floor(j / l.cap) : 0)]!;
  const spec = new Map(lists.map((l) => [l.stream, l]));
  const byStream: Record<string, number> = {};
  const known = new Map<string, Map<string, number>>(); // stream -> row key -> the request after which the row is known

  const read = (name: string): Map<string, number> => {
    const done = known.get(name);
    if (done !== undefined) return done;
    const l = spec.get(name);
    if (l === undefined) throw new Error(`the model has no list for stream ${name}`);
    const truth = site[name];
    if (truth === undefined) throw new Error(`the site has no list truth for stream ${name}`);
    const rows = new Map<string, number>();
    const keyOf = (k: unknown) => (Array.isArray(k) ? k.join('/') : String(k));
    if (l.parent === undefined) {
      const pages = chain(0, pagesOf(truth.keys.length, l.kind, l.cap));
      byStream[name] = pages.length;
      truth.keys.forEach((k, j) => rows.set(keyOf(k), pageOf(pages, j, l)));
    } else {
      const parents = read(l.parent);
      let total = 0;
      let j = 0;
      for (const [parentKey, n] of Object.entries(truth.perParent ?? {})) {
        const after = parents.get(parentKey);
        if (after === undefined) throw new Error(`${name}: parent ${parentKey} is not a row of ${l.parent}`);
        const pages = chain(after, pagesOf(n, l.kind, l.cap));
        total += pages.length;
        // The child rows come in the truth's order, parent after parent.
        for (let i = 0; i < (n === 'refused' ? 0 : n); i++) rows.set(keyOf(truth.keys[j++]), pageOf(pages, i, l));
      }
      byStream[name] = total;
    }
    known.set(name, rows);
    return rows;
  };
  for (const s of streams) read(s);

  const requests = nodes.length;
  // Hu's algorithm on the reversed forest: a request is ready once every request waiting for it is
  // done; each round runs up to C ready requests, deepest first. Its makespan is the optimum.
  const done = new Array<boolean>(requests).fill(false);
  const pending = nodes.map((n) => n.pending);
  let ready = nodes.map((_n, i) => i).filter((i) => pending[i] === 0);
  let rounds = 0;
  let finished = 0;
  while (finished < requests) {
    ready.sort((a, b) => nodes[b]!.depth - nodes[a]!.depth);
    const now = ready.slice(0, concurrency);
    ready = ready.slice(concurrency);
    rounds++;
    for (const i of now) {
      done[i] = true;
      finished++;
      const p = nodes[i]!.parent;
      if (p >= 0 && --pending[p]! === 0) ready.push(p);
    }
  }
  const criticalPath = nodes.reduce((m, n) => Math.max(m, n.depth), 0);
  return { requests, byStream, rounds, criticalPath };
}
