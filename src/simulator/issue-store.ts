// Compact, columnar issue records (typed arrays) so a million issues fit in tens of megabytes; bodies
// are built on demand from these columns and the seed. Two views hold the mutable columns: `live`
// (the truth, seen by bulkfetch and per-issue endpoints) and `indexed` (what search sees, trailing
// live by the index lag).
import { Catalog, DONE_STATUS, ISSUE_TYPES, LINK_TYPES, PRIORITIES, STATUSES } from './catalog.js';
import { createRandom, hash01, hashInt } from './random.js';
import { UpdatedOrder } from './updated-order.js';
import { IssueLinks, type IssueLink } from './issue-links.js';

export const ID_BASE = 10000;
const DAY = 86_400_000;

function grow<T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(a: T, n: number): T {
  if (a.length >= n) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, Math.ceil(a.length * 1.5)));
  b.set(a);
  return b;
}

/** The columns an edit changes. One instance for live data, one for the search index. */
export class MutableColumns {
  exists = new Uint8Array(0);
  updated = new Float64Array(0);
  status = new Uint8Array(0);
  issuetype = new Uint8Array(0);
  priority = new Uint8Array(0);
  assignee = new Uint16Array(0); // 0 = unassigned, else user index
  rev = new Uint32Array(0); // edit count; drives the summary text

  ensure(n: number): void {
    this.exists = grow(this.exists, n);
    this.updated = grow(this.updated, n);
    this.status = grow(this.status, n);
    this.issuetype = grow(this.issuetype, n);
    this.priority = grow(this.priority, n);
    this.assignee = grow(this.assignee, n);
    this.rev = grow(this.rev, n);
  }
  snapshot(i: number): Snapshot {
    return { idx: i, exists: this.exists[i]!, updated: this.updated[i]!, status: this.status[i]!, issuetype: this.issuetype[i]!, priority: this.priority[i]!, assignee: this.assignee[i]!, rev: this.rev[i]! };
  }
  apply(s: Snapshot): void {
    const i = s.idx;
    this.exists[i] = s.exists; this.updated[i] = s.updated; this.status[i] = s.status; this.issuetype[i] = s.issuetype;
    this.priority[i] = s.priority; this.assignee[i] = s.assignee; this.rev[i] = s.rev;
  }
}

export interface Snapshot { idx: number; exists: number; updated: number; status: number; issuetype: number; priority: number; assignee: number; rev: number }

export interface ChangeItem { at: number; field: string; from: number; to: number }
/** Items added after seeding (by churn or control calls), kept sparsely per issue. */
export interface IssueExtras {
  comments: number[]; worklogs: number[]; deletedWorklogs: number[]; changes: ChangeItem[];
  /** comment id -> when it was last edited */
  editedComments?: Map<number, number>;
  deletedComments?: Set<number>;
}

export interface DeletedWorklog { worklogId: number; at: number }

export class IssueStore {
  count = 0; // slots, including deleted issues
  readonly live = new MutableColumns();
  readonly indexed = new MutableColumns();
  // Immutable per-issue columns.
  project = new Uint8Array(0);
  num = new Uint32Array(0);
  created = new Float64Array(0);
  seedUpdated = new Float64Array(0);
  seedComments = new Uint8Array(0);
  seedWorklogs = new Uint8Array(0);
  seedChanges = new Uint8Array(0);
  reporter = new Uint16Array(0);
  sprint = new Uint16Array(0); // 0 = none, else sprint id
  /** Sprints an issue was in when they closed unfinished (it was carried over), oldest first; sparse. */
  closedSprints = new Map<number, number[]>();
  /** idx of each issue by project, position = number - 1. */
  byProject: Uint32Array[] = [];
  projectCount: number[] = [];
  extras = new Map<number, IssueExtras>();
  readonly links = new IssueLinks();
  deletedWorklogs: DeletedWorklog[] = [];
  /** Issues deleted at run time, in order: the audit log's ISSUE_DELETE records (routes-audit.ts). */
  deletions: Array<{ idx: number; at: number; key: string }> = [];
  /** Live issues of projects hidden from the user (a lost browse permission): they answer as if deleted. */
  readonly hidden = new Set<number>();
  deletedWorklogIds = new Set<number>();
  /** Worklogs added after seeding, in the order (and so the time) they were added. */
  addedWorklogs: Array<{ id: number; at: number }> = [];
  /** Worklog edits in the order (and so the time) they were made; an edit moves the worklog's `updated`. */
  worklogEdits: Array<{ id: number; at: number }> = [];
  /** Each edited worklog's latest edit (its index in worklogEdits) and how many it had. */
  lastWorklogEdit = new Map<number, { index: number; times: number }>();
  /** Bumped on every change to live data / to the index (caches key on these). */
  liveGeneration = 0;
  indexGeneration = 0;
  /** Slots changed in the index, one per generation since `indexLogBase`: lets cached results be patched. */
  private indexLog: number[] = [];
  private indexLogBase = 0;
  private pending: Array<{ at: number; snap: Snapshot }> = [];
  private pendingHead = 0;
  lagMs = 0;
  private liveCount = 0;
  /** The index in (updated, slot) order, for searches sorted by `updated`. */
  readonly updatedOrder = new UpdatedOrder();

  constructor(readonly seed: number, readonly catalog: Catalog, private readonly clock: () => number) {
    this.byProject = catalog.projects.map(() => new Uint32Array(16));
    this.projectCount = catalog.projects.map(() => 0);
  }

  get size(): number {
    return this.liveCount;
  }

  private ensure(n: number): void {
    this.live.ensure(n);
    this.indexed.ensure(n);
    this.project = grow(this.project, n);
    this.num = grow(this.num, n);
    this.created = grow(this.created, n);
    this.seedUpdated = grow(this.seedUpdated, n);
    this.seedComments = grow(this.seedComments, n);
    this.seedWorklogs = grow(this.seedWorklogs, n);
    this.seedChanges = grow(this.seedChanges, n);
    this.reporter = grow(this.reporter, n);
    this.sprint = grow(this.sprint, n);
  }

  /** Seed `n` issues created over the two years before `now`, with a few tie groups of `updated`. */
  seedIssues(n: number, now: number): void {
    this.ensure(n);
    const rnd = createRandom(this.seed ^ 0x5eed);
    const span = 730 * DAY;
    const start = now - span;
    const users = this.catalog.users.length;
    for (let i = 0; i < n; i++) {
      // Creation times increase with id (as in Jira), with jitter; exact ms precision.
      const created = Math.floor(start + ((i + rnd()) / n) * span * 0.98);
      const idx = this.addSlot(hashInt(this.catalog.projects.length, this.seed, i, 11), created);
      const r = rnd();
      // Most issues are touched again; recent ones more often.
      const updated = r < 0.15 ? created : Math.floor(created + (now - created) * Math.pow(rnd(), 2.5));
      const L = this.live;
      L.updated[idx] = Math.min(updated, now - 1);
      L.status[idx] = hashInt(STATUSES.length, this.seed, i, 12);
      L.issuetype[idx] = hashInt(ISSUE_TYPES.length, this.seed, i, 13);
      L.priority[idx] = hashInt(PRIORITIES.length, this.seed, i, 14);
      L.assignee[idx] = hash01(this.seed, i, 15) < 0.2 ? 0 : 1 + hashInt(users - 1, this.seed, i, 16);
      L.rev[idx] = 0;
      this.reporter[idx] = 1 + hashInt(users - 1, this.seed, i, 17);
      // A few issues carry long histories (more than 20 comments / 40 changelog entries).
      const heavy = i % 97 === 5;
      this.seedComments[idx] = heavy ? 25 + hashInt(20, this.seed, i, 18) : hashInt(4, this.seed, i, 18);
      this.seedWorklogs[idx] = heavy ? 22 + hashInt(5, this.seed, i, 19) : hashInt(3, this.seed, i, 19);
      this.seedChanges[idx] = heavy ? 45 + hashInt(20, this.seed, i, 20) : hashInt(6, this.seed, i, 20);
      this.sprint[idx] = this.sprintFor(this.project[idx]!, created);
      // Half the unfinished issues of a closed sprint were carried over to the board's next sprint.
      const was = this.catalog.sprints.find((s) => s.id === this.sprint[idx]);
      const next = was && this.catalog.sprints.find((s) => s.id === was.id + 1 && s.boardId === was.boardId);
      if (was?.state === 'closed' && next && L.status[idx] !== DONE_STATUS && hash01(this.seed, i, 63) < 0.5) {
        this.closedSprints.set(idx, [was.id]);
        this.sprint[idx] = next.id;
      }
    }
    // Natural tie groups: bulk edits in the past gave several issues one shared `updated` instant.
    for (let g = 0; g * 211 + 7 < n; g++) {
      const first = g * 211 + 7;
      const at = this.live.updated[first]!;
      for (let k = 1; k < 6 && first + k * 3 < n; k++) {
        const j = first + k * 3;
        if (this.created[j]! <= at) this.live.updated[j] = at;
      }
    }
    this.links.seed(this.seed, n, LINK_TYPES.length);
    for (let i = 0; i < n; i++) {
      this.seedUpdated[i] = this.live.updated[i]!;
      this.indexed.apply(this.live.snapshot(i));
    }
    this.seedWorklogDeletions(n);
    this.liveGeneration++;
    this.indexGeneration++;
    this.indexLogBase = this.indexGeneration;
    this.updatedOrder.invalidate();
  }

  /** Room for a project the catalog just gained. */
  addProject(): void {
    this.byProject.push(new Uint32Array(16));
    this.projectCount.push(0);
  }

  private sprintFor(projectIdx: number, created: number): number {
    for (const s of this.catalog.sprints) {
      if (s.projectIdx === projectIdx && created >= s.start - 7 * DAY && created < s.end - 7 * DAY) return s.id;
    }
    return 0;
  }

  private addSlot(projectIdx: number, created: number): number {
    const idx = this.count++;
    this.ensure(this.count);
    const num = ++this.projectCount[projectIdx]!;
    this.byProject[projectIdx] = grow(this.byProject[projectIdx]!, num);
    this.byProject[projectIdx]![num - 1] = idx;
    this.project[idx] = projectIdx;
    this.num[idx] = num;
    this.created[idx] = created;
    this.seedUpdated[idx] = created;
    this.live.exists[idx] = 1;
    this.live.updated[idx] = created;
    this.liveCount++;
    return idx;
  }

  idOf(idx: number): string {
    return String(ID_BASE + idx);
  }
  keyOf(idx: number): string {
    return `${this.catalog.projects[this.project[idx]!]!.key}-${this.num[idx]}`;
  }

  /** Resolve an id or key to a slot (deleted issues included; callers check `exists`). */
  resolve(idOrKey: string | number): number {
    const s = String(idOrKey).trim();
    if (/^\d+$/.test(s)) {
      const idx = Number(s) - ID_BASE;
      return idx >= 0 && idx < this.count ? idx : -1;
    }
    const m = /^([A-Za-z][A-Za-z0-9_]*)-(\d+)$/.exec(s);
    if (!m) return -1;
    const p = this.catalog.projects.findIndex((x) => x.key === m[1]!.toUpperCase());
    if (p < 0) return -1;
    const num = Number(m[2]);
    if (num < 1 || num > this.projectCount[p]!) return -1;
    return this.byProject[p]![num - 1]!;
  }

  isLive(idx: number): boolean {
    return idx >= 0 && idx < this.count && this.live.exists[idx] === 1;
  }

  extrasOf(idx: number): IssueExtras {
    let e = this.extras.get(idx);
    if (!e) {
      e = { comments: [], worklogs: [], deletedWorklogs: [], changes: [] };
      this.extras.set(idx, e);
    }
    return e;
  }

  // --- mutations: each writes live at once and queues the index change behind the lag -------------

  update(idx: number, at: number, rnd: () => number): void {
    const L = this.live;
    const e = this.extrasOf(idx);
    const r = rnd();
    if (r < 0.4) {
      const to = (L.status[idx]! + 1) % STATUSES.length;
      e.changes.push({ at, field: 'status', from: L.status[idx]!, to });
      L.status[idx] = to;
    } else if (r < 0.7) {
      const to = Math.floor(rnd() * PRIORITIES.length);
      e.changes.push({ at, field: 'priority', from: L.priority[idx]!, to });
      L.priority[idx] = to;
    } else {
      const to = 1 + Math.floor(rnd() * (this.catalog.users.length - 1));
      e.changes.push({ at, field: 'assignee', from: L.assignee[idx]!, to });
      L.assignee[idx] = to;
    }
    L.rev[idx]!++;
    L.updated[idx] = Math.max(at, L.updated[idx]!);
    this.changed(idx, at);
  }

  /**
   * Move an issue to another project: it gets a new key there; its old key keeps resolving to it
   * (as Jira's do), which is why the connector keys issues on id.
   */
  move(idx: number, toProject: number, at: number): void {
    const from = this.project[idx]!;
    if (from === toProject) return;
    const num = ++this.projectCount[toProject]!;
    this.byProject[toProject] = grow(this.byProject[toProject]!, num);
    this.byProject[toProject]![num - 1] = idx;
    this.project[idx] = toProject;
    this.num[idx] = num;
    this.extrasOf(idx).changes.push({ at, field: 'project', from, to: toProject });
    this.live.rev[idx]!++;
    this.live.updated[idx] = Math.max(at, this.live.updated[idx]!);
    this.changed(idx, at);
  }

  /** Touch an issue's `updated` only (a bulk edit of a field the simulator does not model). */
  touch(idx: number, at: number): void {
    this.live.rev[idx]!++;
    this.live.updated[idx] = at;
    this.extrasOf(idx).changes.push({ at, field: 'labels', from: 0, to: 0 });
    this.changed(idx, at);
  }

  /** Link two issues (from <outward verb> to); both issues' `updated` moves to `at`. */
  link(from: number, to: number, type: number, at: number): IssueLink {
    const link = this.links.add(from, to, type);
    this.bump(from, at, 'link');
    this.bump(to, at, 'link');
    return link;
  }

  /** Remove a link; both issues' `updated` moves to `at`. */
  unlink(id: number, at: number): IssueLink | undefined {
    const link = this.links.remove(id);
    if (link) for (const idx of [link.from, link.to]) if (this.live.exists[idx]) this.bump(idx, at, 'link');
    return link;
  }

  /** The sprints the Sprint field lists: those it was carried over from, then the current one. */
  sprintsOf(idx: number): number[] {
    const closed = this.closedSprints.get(idx) ?? [];
    return this.sprint[idx] ? [...closed, this.sprint[idx]!] : closed;
  }

  /** A sprint closed with the issue unfinished: the field keeps it, the issue moves on to `next` (0: the backlog). */
  carryOver(idx: number, closed: number, next: number, at: number): void {
    this.closedSprints.set(idx, [...(this.closedSprints.get(idx) ?? []), closed]);
    this.setSprint(idx, next, at);
  }

  /** A deleted sprint leaves the Sprint field of every issue that lists it; their `updated` moves. */
  forgetSprint(id: number, at: number): void {
    for (let i = 0; i < this.count; i++) {
      const closed = this.closedSprints.get(i);
      const listed = this.sprint[i] === id || closed?.includes(id);
      if (!listed || !this.isLive(i)) continue;
      if (closed?.includes(id)) this.closedSprints.set(i, closed.filter((x) => x !== id));
      this.setSprint(i, this.sprint[i] === id ? 0 : this.sprint[i]!, at);
    }
  }

  /** Put an issue in a sprint (0: none), as a move on the board does; its `updated` moves to `at`. */
  setSprint(idx: number, sprintId: number, at: number): void {
    const from = this.sprint[idx]!;
    this.sprint[idx] = sprintId;
    this.bump(idx, at, 'sprint', from, sprintId);
  }

  /** `updated` moves to `at`, with a changelog entry for the field changed (every change has one, as in Jira). */
  private bump(idx: number, at: number, field: string, from = 0, to = 0): void {
    this.extrasOf(idx).changes.push({ at, field, from, to });
    this.live.updated[idx] = Math.max(at, this.live.updated[idx]!);
    this.changed(idx, at);
  }

  create(at: number, rnd: () => number): number {
    // Never in a project deleted at run time (catalog-changes.ts).
    const live = this.catalog.projects.filter((p) => !(p as { deleted?: boolean }).deleted);
    const idx = this.addSlot(live[Math.floor(rnd() * live.length)]!.idx, at);
    const L = this.live;
    L.status[idx] = 0;
    L.issuetype[idx] = Math.floor(rnd() * ISSUE_TYPES.length);
    L.priority[idx] = 2;
    L.assignee[idx] = 0;
    L.rev[idx] = 0;
    this.reporter[idx] = 1 + Math.floor(rnd() * (this.catalog.users.length - 1));
    this.sprint[idx] = 0;
    this.changed(idx, at);
    return idx;
  }

  delete(idx: number, at: number): void {
    this.live.exists[idx] = 0;
    this.liveCount--;
    this.deletions.push({ idx, at, key: this.keyOf(idx) });
    this.changed(idx, at);
  }

  /** Hide a project's issues from the user (hidden) or show them again; no deletion is recorded. */
  setProjectHidden(pIdx: number, hidden: boolean, at: number): void {
    for (let i = 0; i < this.count; i++) {
      if (this.project[i] !== pIdx || (hidden ? !this.isLive(i) : !this.hidden.has(i))) continue;
      this.live.exists[i] = hidden ? 0 : 1;
      this.liveCount += hidden ? -1 : 1;
      if (hidden) this.hidden.add(i);
      else this.hidden.delete(i);
      this.changed(i, at);
    }
  }

  addComment(idx: number, at: number): void {
    this.extrasOf(idx).comments.push(at);
    this.live.updated[idx] = Math.max(at, this.live.updated[idx]!);
    this.changed(idx, at);
  }

  /** Ids of the issue's comments that are not deleted, seeded ones first. */
  commentIds(idx: number): number[] {
    const e = this.extras.get(idx);
    const n = this.seedComments[idx]! + (e?.comments.length ?? 0);
    const out: number[] = [];
    for (let j = 0; j < n; j++) {
      const id = (ID_BASE + idx) * 1000 + j;
      if (!e?.deletedComments?.has(id)) out.push(id);
    }
    return out;
  }

  /**
   * Edit or delete one of the issue's comments (random); its id, or undefined when it has none.
   * `moveUpdated`: whether the issue's `updated` moves (Jira's behaviour here is not documented).
   */
  changeComment(idx: number, kind: 'edit' | 'delete', at: number, moveUpdated: boolean, rnd: () => number): number | undefined {
    const ids = this.commentIds(idx);
    if (ids.length === 0) return undefined;
    const id = ids[Math.floor(rnd() * ids.length)]!;
    const e = this.extrasOf(idx);
    if (kind === 'edit') (e.editedComments ??= new Map()).set(id, at);
    else (e.deletedComments ??= new Set()).add(id);
    if (moveUpdated) {
      this.live.updated[idx] = Math.max(at, this.live.updated[idx]!);
      this.changed(idx, at);
    } else this.liveGeneration++;
    return id;
  }

  /** A site with history has deleted worklogs: one issue in 41 with two or more lost its first, before its seeded update. */
  private seedWorklogDeletions(n: number): void {
    for (let i = 3; i < n; i += 41) {
      if (this.seedWorklogs[i]! < 2) continue;
      const logged = this.seedWorklogAt(i, 0);
      const at = Math.floor((logged + this.seedUpdated[i]!) / 2);
      if (at <= logged) continue;
      const id = (ID_BASE + i) * 1000;
      this.extrasOf(i).deletedWorklogs.push(id);
      this.deletedWorklogs.push({ worklogId: id, at });
      this.deletedWorklogIds.add(id);
    }
    // /worklog/deleted lists deletions oldest first.
    this.deletedWorklogs.sort((a, b) => a.at - b.at || a.worklogId - b.worklogId);
  }

  /** Time of the j-th seeded worklog of an issue, spread between its creation and seeded update. */
  seedWorklogAt(idx: number, j: number): number {
    const from = this.created[idx]!;
    return Math.floor(from + ((this.seedUpdated[idx]! - from) * (j + 0.5)) / this.seedWorklogs[idx]!);
  }

  addWorklog(idx: number, at: number): void {
    const e = this.extrasOf(idx);
    e.worklogs.push(at);
    this.addedWorklogs.push({ id: (ID_BASE + idx) * 1000 + this.seedWorklogs[idx]! + e.worklogs.length - 1, at });
    this.live.updated[idx] = Math.max(at, this.live.updated[idx]!);
    this.changed(idx, at);
  }

  /** One of the issue's live worklogs, at random; undefined when it has none left. */
  private pickWorklog(idx: number, rnd: () => number): number | undefined {
    const e = this.extrasOf(idx);
    const total = this.seedWorklogs[idx]! + e.worklogs.length;
    const alive: number[] = [];
    for (let j = 0; j < total; j++) {
      const id = (ID_BASE + idx) * 1000 + j;
      if (!e.deletedWorklogs.includes(id)) alive.push(id);
    }
    return alive.length ? alive[Math.floor(rnd() * alive.length)]! : undefined;
  }

  /** Edit one of the issue's worklogs (its time spent): its `updated` moves to `at`, as does the issue's; false when it has none. */
  editWorklog(idx: number, at: number, rnd: () => number): boolean {
    const id = this.pickWorklog(idx, rnd);
    if (id === undefined) return false;
    this.lastWorklogEdit.set(id, { index: this.worklogEdits.length, times: (this.lastWorklogEdit.get(id)?.times ?? 0) + 1 });
    this.worklogEdits.push({ id, at });
    this.live.updated[idx] = Math.max(at, this.live.updated[idx]!);
    this.changed(idx, at);
    return true;
  }

  /** How often a worklog was edited, and when last (undefined: never). */
  worklogEdited(id: number): { times: number; at: number } | undefined {
    const last = this.lastWorklogEdit.get(id);
    return last === undefined ? undefined : { times: last.times, at: this.worklogEdits[last.index]!.at };
  }

  /** Delete one of the issue's worklogs (a tombstone for /worklog/deleted); false when it has none left. */
  deleteWorklog(idx: number, at: number, rnd: () => number): boolean {
    const e = this.extrasOf(idx);
    const id = this.pickWorklog(idx, rnd);
    if (id === undefined) return false;
    e.deletedWorklogs.push(id);
    this.deletedWorklogs.push({ worklogId: id, at });
    this.deletedWorklogIds.add(id);
    this.live.updated[idx] = Math.max(at, this.live.updated[idx]!);
    this.changed(idx, at);
    return true;
  }

  private changed(idx: number, _at: number): void {
    // The lag runs from when the change happened on the wall clock, not from the `updated` it carries.
    const at = this.clock();
    this.liveGeneration++;
    const snap = this.live.snapshot(idx);
    if (this.lagMs <= 0 && this.pendingHead === this.pending.length) {
      this.applyToIndex(snap);
    } else {
      this.pending.push({ at, snap });
    }
  }

  /** Apply the queued index changes that are older than the lag. Called before every search. */
  syncIndex(now: number): void {
    const due = now - this.lagMs;
    while (this.pendingHead < this.pending.length && this.pending[this.pendingHead]!.at <= due) {
      this.applyToIndex(this.pending[this.pendingHead++]!.snap);
    }
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  private applyToIndex(snap: Snapshot): void {
    const old = this.indexed.updated[snap.idx]!;
    this.indexed.apply(snap);
    this.updatedOrder.changed(snap.idx, old, snap.updated, this.indexed.updated, this.count);
    if (this.indexLog.length >= 1_000_000) {
      this.indexLog = this.indexLog.slice(500_000);
      this.indexLogBase += 500_000;
    }
    this.indexLog.push(snap.idx);
    this.indexGeneration++;
  }

  /** Slots whose index entry changed since generation `gen`, or undefined when that is too long ago. */
  indexChangesSince(gen: number): number[] | undefined {
    const from = gen - this.indexLogBase;
    if (from < 0 || this.indexGeneration - this.indexLogBase !== this.indexLog.length) return undefined;
    return this.indexLog.slice(from);
  }

  /** Visit indexed slots with `updated` in [lo, hi] in (updated, slot) order; see UpdatedOrder.scan. */
  scanByUpdated(lo: number, hi: number, desc: boolean, visit: (idx: number, key: number) => boolean): void {
    this.updatedOrder.scan(this.indexed.updated, this.count, lo, hi, desc, visit);
  }

  /** A random live issue, or -1 when none is left. */
  pickLive(rnd: () => number): number {
    if (this.liveCount === 0) return -1;
    for (let tries = 0; tries < 1000; tries++) {
      const idx = Math.floor(rnd() * this.count);
      if (this.live.exists[idx]) return idx;
    }
    for (let idx = 0; idx < this.count; idx++) if (this.live.exists[idx]) return idx;
    return -1;
  }

  /** Resolution is derived from status: Done issues are resolved. */
  isResolved(view: MutableColumns, idx: number): boolean {
    return view.status[idx] === DONE_STATUS;
  }
}
