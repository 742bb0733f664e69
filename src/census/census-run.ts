// One run's id census (see README "Deleted issues"): list every id in scope, compare with the ids the
// warehouse was told of (the previous census plus what the walk emitted since), confirm the missing
// ones are really gone, and emit a tombstone per deleted issue (an `issues` record with the deletion
// marker, a `deleted_issues` row) BEFORE the STATE that records the new census. The walk carries the
// census in each of its STATEs and adds the ids it emits that the census did not list; with a previous
// census the new one is taken beside the walk, and replaces the previous one in the walk's STATEs once
// its tombstones are out.
import type { JsonObject, StreamContext, StreamEvent } from '../streams/stream.js';
import type { PreparedWalk } from '../streams/riders/rider.js';
import type { JqlScope } from '../jira/jql.js';
import { DELETION_MARKER } from '../protocol/deletion-marker.js';
import { hasId } from './id-ranges.js';
import { addTo, NotedIds } from './noted-ids.js';
import { encodeCensus } from './census-codec.js';
import { toldIds, type CensusState, type IdsByProject } from './census-state.js';
import { segmentCuts, takeCensus } from './take-census.js';
import { auditDeletions, type AuditDeletion } from './audit-deletions.js';
import { Baseline } from './baseline.js';
import { stillThere } from './still-there.js';
import { projectVisible } from './project-visible.js';

export const DELETED_ISSUES = 'deleted_issues';

/** After a refusal the audit log is not asked again for this long (it would cost a request per run for nothing). */
export const AUDIT_RETRY_MS = 7 * 86_400_000;
/**
 * A missing issue Jira still has, changed this recently, may just not be searchable yet (index lag): it
 * stays in the census. Changed longer ago, it left the scope (moved to a project not in `projects`, or
 * no longer matching `jql`): it leaves the census, its row stays as it was (it exists, so no tombstone).
 */
const LAG_MS = 10 * 60_000;
/** The audit log is read from this long before the previous census: clocks and index lag. */
const AUDIT_MARGIN_MS = 60 * 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** What a refusal from the audit log means, for the WARN line. */
const deniedLine = (status: number, said: string) =>
  `the audit log (GET /rest/api/3/auditing/record) answered HTTP ${status} (${said}): ${status === 404 ? 'this site has none' : 'only Jira administrators may read it'}`;

/**
 * deleted_issues from the audit log alone, as far back as Jira keeps it: a full refresh, and the first
 * incremental run (which has no census to compare with yet). A 403 skips it with a WARN.
 */
export async function* auditHistory(ctx: StreamContext): AsyncGenerator<StreamEvent, { requests: number; denied: boolean; rows: number }> {
  const answer = await auditDeletions(ctx.http, undefined);
  if (!answer.allowed) {
    yield { type: 'log', level: 'WARN', stream: DELETED_ISSUES, message: `${DELETED_ISSUES}: skipped the deleted issues the audit log remembers: ${deniedLine(answer.status, answer.said)}; from the next incremental run on, deletions are found by the id census` };
    return { requests: answer.requests, denied: true, rows: 0 };
  }
  const ids = [...answer.deleted.keys()].sort((a, b) => a - b);
  for (const id of ids) {
    const d = answer.deleted.get(id)!;
    const project = d.key === undefined ? null : d.key.slice(0, Math.max(0, d.key.lastIndexOf('-')));
    yield { type: 'record', stream: DELETED_ISSUES, data: { id: String(id), key: d.key ?? null, project, deleted_at: d.at, detected_by: 'audit' } };
  }
  return { requests: answer.requests, denied: false, rows: ids.length };
}

/** A census taken and confirmed: what the STATEs carry once its tombstones are emitted. */
interface Taken {
  next: CensusState;
  /** every id in `next`, ascending */
  ids: ArrayLike<number>;
  /** the ids it emitted a tombstone for */
  gone: Set<number>;
}

/** Every id of `byProject`, ascending and distinct (an id moved between projects during a run may be under both). */
function sortedIds(byProject: IdsByProject): Float64Array {
  const all = Float64Array.from([...byProject.values()].flat()).sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i]!;
  return all.subarray(0, n);
}

/**
 * The census of one run. With a previous census and a walk, it runs beside the walk (README "Deleted
 * issues", "Beside the walk"): until it is taken, confirmed and its tombstones emitted, the walk's
 * STATEs carry the previous census (plus the ids the walk emitted that it did not hold); the first
 * record or STATE after that emits its tombstones, and from then on the STATEs carry the new one. A
 * first run, or `deleted_issues` alone, takes it before (run()).
 */
export class CensusRun {
  /** the census the STATEs carry: the prior one until the new one is published */
  private current: CensusState | undefined;
  /** its ids, ascending (the prior one's with its `more`) */
  private ids: ArrayLike<number>;
  /** ids the walk emitted that `current` did not hold (created or moved in since it was taken) */
  private more: NotedIds;
  /** beside the walk, until the new census is published: every id the walk emitted, and its project */
  private during: Map<number, string> | undefined;
  /** the ids the published census emitted a tombstone for: the walk drops them (bodies read before they went) */
  private gone = new Set<number>();
  private pending: { settled: Promise<void>; done: boolean; events: StreamEvent[]; taken?: Taken; error?: unknown } | undefined;
  /** the ids the warehouse was told of (the prior census and its `more`), by project and ascending (cuts the id space into segments) */
  private readonly toldByProject: IdsByProject | undefined;
  private readonly told: Float64Array;
  /** a first run that walks: every id it emits, as the census (no listing) */
  private baseline: Baseline | undefined;
  /** records the census emitted (tombstones, deleted_issues rows) */
  emitted = 0;

  constructor(
    private readonly ctx: StreamContext,
    private readonly prior: CensusState | undefined,
    private readonly scope: JqlScope,
    /** which streams get the tombstones; `walked`: a walk over every issue follows */
    private readonly into: { issues: boolean; deletedIssues: boolean; walked: boolean },
    private readonly label: string,
  ) {
    this.current = prior;
    this.toldByProject = prior === undefined ? undefined : toldIds(prior);
    this.told = this.toldByProject === undefined ? new Float64Array(0) : sortedIds(this.toldByProject);
    this.ids = this.told;
    this.more = new NotedIds(prior?.more);
  }

  /** With a previous census and a walk over every issue: the census runs beside the walk. */
  get beside(): boolean {
    return this.prior !== undefined && this.into.walked;
  }

  /** Before the walk, the census and its tombstones; the caller then sends a STATE (through carry). */
  async *run(): AsyncGenerator<StreamEvent> {
    this.publish(yield* this.compute());
  }

  /** Beside the walk: starts the census; its events wait for the walk's next record or STATE (carry), or settle(). */
  start(): void {
    const pending: NonNullable<CensusRun['pending']> = { settled: Promise.resolve(), done: false, events: [] };
    this.during = new Map();
    pending.settled = (async () => {
      try {
        const it = this.compute();
        for (let r = await it.next(); ; r = await it.next()) {
          if (r.done) {
            pending.taken = r.value;
            break;
          }
          pending.events.push(r.value);
        }
      } catch (err) {
        pending.error = err;
      }
      pending.done = true;
    })();
    this.pending = pending;
  }

  /** Waits for the census beside the walk and emits its events (before the walk's last STATE). */
  async *settle(): AsyncGenerator<StreamEvent> {
    if (this.pending === undefined) return;
    await this.pending.settled;
    yield* this.flush();
  }

  /** The census's events once it is done (a failure is the run's), then the new census is published. */
  private *flush(): Generator<StreamEvent> {
    const p = this.pending;
    if (p === undefined || !p.done) return;
    this.pending = undefined;
    if (p.error !== undefined) throw p.error;
    yield* p.events;
    this.publish(p.taken!);
  }

  private publish(taken: Taken): void {
    this.current = taken.next;
    this.ids = taken.ids;
    this.gone = taken.gone;
    this.more = new NotedIds();
    // What the walk emitted meanwhile and the new census does not hold stays told (unless tombstoned after it).
    for (const [id, project] of this.during ?? []) if (!hasId(this.ids, id) && !this.gone.has(id)) this.more.add(project, id);
    this.during = undefined;
  }

  /** The census and its tombstones; returns what to publish once they are emitted. */
  private async *compute(): AsyncGenerator<StreamEvent, Taken> {
    const { ctx } = this;
    const started = ctx.clock();
    const at = iso(started);
    const unidentified = () => ctx.http.unidentifiedAnswers?.() ?? 0;
    const before = unidentified();
    if (this.prior === undefined && this.into.walked) {
      // A first run's walk reads every issue in scope (updated since start_date, as the census counts):
      // the ids it emits are the baseline (noted as `more`), so no listing delays the walk.
      const history = this.into.deletedIssues ? yield* auditHistory(ctx) : { requests: 0, denied: false, rows: 0 };
      this.emitted += history.rows;
      yield this.info('id census: the ids this first run emits are its baseline; deletions are reported from the next run on');
      this.baseline = new Baseline();
      return { next: { at, ...encodeCensus(new Map()), ...(history.denied ? { auditDenied: at } : {}) }, ids: [], gone: new Set() };
    }
    // Cut where the previous census says each segment holds about a page, and list them in parallel.
    const told = this.toldByProject;
    const cuts = this.told.length > 0 ? segmentCuts(this.told) : [];
    const census = await takeCensus(ctx.http, this.scope, Date.parse(ctx.config.start_date), cuts, ctx.config.max_concurrency);
    let requests = census.requests;
    const took = () => `${requests} requests (${cuts.length + 1} id segment${cuts.length === 0 ? '' : 's'}, ${Math.min(cuts.length + 1, ctx.config.max_concurrency)} at a time), ${((ctx.clock() - started) / 1000).toFixed(1)} s${this.beside ? ' beside the walk' : ''}`;
    if (this.prior === undefined || told === undefined) {
      // No census to compare with yet: deleted_issues starts with what the audit log remembers.
      const history = this.into.deletedIssues ? yield* auditHistory(ctx) : { requests: 0, denied: false, rows: 0 };
      this.emitted += history.rows;
      yield this.info(`id census: ${census.all.length} issues in ${took()}; deletions are reported from the next run on`);
      return { next: { at, ...encodeCensus(census.byProject), ...(history.denied ? { auditDenied: at } : {}) }, ids: census.all, gone: new Set() };
    }
    // Jira answers dead credentials with an anonymous view, in which everything looks deleted.
    if (unidentified() > before) await ctx.proveCredentials();
    const kept = new Map<string, Set<number>>();
    const candidates: Array<{ id: number; project: string }> = [];
    const hidden: string[] = [];
    const seen = new Set<number>(); // an id moved between projects during a run may be under both
    for (const [project, ids] of told) {
      const gone = ids.filter((id) => !hasId(census.all, id) && !seen.has(id));
      for (const id of gone) seen.add(id);
      if (gone.length === 0) continue;
      if (!census.byProject.has(project)) {
        requests++;
        if (!(await projectVisible(ctx.http, project))) {
          hidden.push(`${project} (${gone.length} issues)`);
          for (const id of gone) addTo(kept, project, id);
          continue;
        }
      }
      for (const id of gone) candidates.push({ id, project });
    }
    candidates.sort((a, b) => a.id - b.id);
    let auditDenied = this.prior.auditDenied;
    let audited = new Map<number, AuditDeletion>();
    if (candidates.length > 0 && (auditDenied === undefined || started - Date.parse(auditDenied) >= AUDIT_RETRY_MS)) {
      const answer = await auditDeletions(ctx.http, iso(Date.parse(this.prior.at) - AUDIT_MARGIN_MS));
      requests += answer.requests;
      if (answer.allowed) {
        audited = answer.deleted;
        auditDenied = undefined;
      } else {
        auditDenied = at;
        yield this.warn(
          `${deniedLine(answer.status, answer.said)}, so deletions are found by the id census alone (their deleted_at is the time they were found); it is asked again in ${AUDIT_RETRY_MS / 86_400_000} days`,
        );
      }
    }
    const unconfirmed = candidates.filter((c) => !audited.has(c.id)).map((c) => c.id);
    const there = unconfirmed.length > 0 ? await stillThere(ctx.http, unconfirmed) : { found: new Map<number, number>(), requests: 0 };
    requests += there.requests;
    if (unidentified() > before) await ctx.proveCredentials();
    let fromAudit = 0;
    let left = 0;
    const gone = new Set<number>();
    for (const c of candidates) {
      const updated = there.found.get(c.id);
      if (updated !== undefined) {
        if (!(updated < started - LAG_MS)) addTo(kept, c.project, c.id); // not searchable yet
        else left++;
        continue;
      }
      const audit = audited.get(c.id);
      const deletedAt = audit?.at ?? at;
      gone.add(c.id);
      if (audit !== undefined) fromAudit++;
      this.emitted++;
      if (this.into.issues) yield { type: 'record', stream: 'issues', data: { id: String(c.id), updated: deletedAt, [DELETION_MARKER]: deletedAt } };
      if (this.into.deletedIssues) {
        yield {
          type: 'record',
          stream: DELETED_ISSUES,
          data: { id: String(c.id), key: audit?.key ?? null, project: c.project, deleted_at: deletedAt, detected_by: audit === undefined ? 'census' : 'audit' },
        };
      }
    }
    // Ids kept though not listed (a hidden project's, ones not searchable yet) stay in the census proper.
    const listed: IdsByProject = new Map(census.byProject);
    for (const [project, ids] of kept) listed.set(project, [...new Set([...(listed.get(project) ?? []), ...ids])].sort((a, b) => a - b));
    const next = { at, ...encodeCensus(listed), ...(auditDenied === undefined ? {} : { auditDenied }) };
    if (hidden.length > 0) {
      yield this.warn(
        `project ${hidden.join(', ')} is no longer visible: the id census lists none of its issues and GET /project/{key} answers 404/403. That is how a lost browse permission looks (a deleted project looks the same), so none of its issues is marked deleted and their rows stay; restore the permission, or if the project was deleted, delete its rows downstream`,
      );
    }
    const deleted = gone.size;
    const late = candidates.length - deleted - left;
    const notes = [late > 0 ? `; ${late} not listed yet still there (index lag)` : '', left > 0 ? `; ${left} left the scope (moved out of projects/jql; they exist, so their rows are not marked deleted)` : ''];
    yield this.info(`id census: ${census.all.length} issues in ${took()}; ${deleted} deleted since ${this.prior.at} (${fromAudit} named by the audit log)${notes.join('')}`);
    const ids = kept.size === 0 ? census.all : sortedIds(listed);
    return { next, ids, gone };
  }

  /** The census part of the state to send now: the new one once published, else the prior one (its `more` carried on). */
  state(): CensusState | undefined {
    if (this.current === undefined) return undefined;
    const { more: _had, ...census } = this.current;
    if (this.baseline !== undefined) return { ...census, ...this.baseline.encoded() };
    const more = this.more.encoded();
    return Object.keys(more).length === 0 ? census : { ...census, more };
  }

  /** The walk, its STATEs carrying the census (and sent to deleted_issues), its emitted ids noted. */
  carry(walk: PreparedWalk): PreparedWalk {
    const self = this;
    return {
      ...walk,
      records(issue, out) {
        if (self.pending?.done === true) for (const event of self.flush()) out.push(event);
        if (self.gone.size > 0 && self.gone.has(Number(issue.id))) return; // its tombstone is out: this body was read before it went
        self.note(issue.id, issue.key);
        walk.records(issue, out);
      },
      states(state: JsonObject) {
        const flushed = [...self.flush()];
        // A big first run's baseline thins its in-progress STATEs (baseline.ts); a window's completion always goes out.
        if (self.baseline !== undefined && 'window' in state && !self.baseline.due()) return flushed;
        const census = self.state();
        const full = census === undefined ? state : { ...state, census };
        const events = walk.states(full);
        return [...flushed, ...events, ...(self.into.deletedIssues ? [{ type: 'state', stream: DELETED_ISSUES, state: full } as const] : [])];
      },
    };
  }

  private note(idText: string, key: string): void {
    if (this.current === undefined && this.pending === undefined) return; // deleted_issues' first run alone: no walk
    const id = Number(idText);
    const project = key.slice(0, Math.max(0, key.lastIndexOf('-')));
    if (this.baseline !== undefined) return this.baseline.add(project, id);
    this.during?.set(id, project);
    if (!hasId(this.ids, id) && !this.more.has(project, id)) this.more.add(project, id);
  }

  private info(message: string): StreamEvent {
    return { type: 'log', level: 'INFO', message: `${this.label}: ${message}` };
  }

  private warn(message: string): StreamEvent {
    return { type: 'log', level: 'WARN', message: `${this.label}: ${message}` };
  }
}
