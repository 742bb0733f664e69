// One run's id census (see README "Deleted issues"): list every id in scope, compare with the ids the
// warehouse was told of (the previous census plus what the walk emitted since), confirm the missing
// ones are really gone, and emit a tombstone per deleted issue (an `issues` record with the deletion
// marker, a `deleted_issues` row) BEFORE the STATE that records the new census. The walk that follows
// carries the census in each of its STATEs and adds the ids it emits that the census did not list.
import type { JsonObject, StreamContext, StreamEvent } from '../streams/stream.js';
import type { PreparedWalk } from '../streams/riders/rider.js';
import type { JqlScope } from '../jira/jql.js';
import { DELETION_MARKER } from '../protocol/deletion-marker.js';
import { encodeRanges, hasId } from './id-ranges.js';
import { encodeCensus } from './census-codec.js';
import { toldIds, type CensusState, type IdsByProject } from './census-state.js';
import { takeCensus, type Census } from './take-census.js';
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

/**
 * The ids the walk emitted that the census did not list, per project, as `more` (ranges). A first run's
 * walk notes every issue here (its baseline), and every STATE carries them: each STATE merges the ids
 * noted since the previous one into the project's sorted ids and encodes only the projects that changed.
 */
class NotedIds {
  private sorted = new Map<string, Float64Array>();
  private fresh = new Map<string, Set<number>>();
  private text: Record<string, string> = {};

  has(project: string, id: number): boolean {
    const ids = this.sorted.get(project);
    return this.fresh.get(project)?.has(id) === true || (ids !== undefined && hasId(ids, id));
  }

  add(project: string, id: number): void {
    addTo(this.fresh, project, id);
  }

  encoded(): Record<string, string> {
    if (this.fresh.size === 0) return this.text;
    for (const [project, ids] of this.fresh) {
      const had = this.sorted.get(project) ?? new Float64Array(0);
      const add = Float64Array.from(ids).sort(); // numeric for typed arrays
      // One linear merge: the project's ids so far are sorted already.
      const merged = new Float64Array(had.length + add.length);
      for (let i = 0, j = 0, k = 0; k < merged.length; k++) merged[k] = j >= add.length || (i < had.length && had[i]! < add[j]!) ? had[i++]! : add[j++]!;
      this.sorted.set(project, merged);
      this.text = { ...this.text, [project]: encodeRanges(merged) };
    }
    this.fresh.clear();
    this.text = Object.fromEntries(Object.keys(this.text).sort().map((k) => [k, this.text[k]!]));
    return this.text;
  }
}

function addTo(map: Map<string, Set<number>>, project: string, id: number): void {
  const ids = map.get(project);
  if (ids === undefined) map.set(project, new Set([id]));
  else ids.add(id);
}

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

export class CensusRun {
  private census: Census | undefined;
  private next: CensusState | undefined;
  /** ids the walk emitted that the census did not list (created or moved in since it was taken) */
  private more = new NotedIds();
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
  ) {}

  /** The census, the tombstones; the caller then sends a STATE (through carry). */
  async *run(): AsyncGenerator<StreamEvent> {
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
      this.census = { byProject: new Map(), all: [], requests: 0 };
      this.baseline = new Baseline();
      this.next = { at, ...encodeCensus(new Map()), ...(history.denied ? { auditDenied: at } : {}) };
      yield this.info('id census: the ids this first run emits are its baseline; deletions are reported from the next run on');
      return;
    }
    const census = await takeCensus(ctx.http, this.scope, Date.parse(ctx.config.start_date));
    let requests = census.requests;
    if (this.prior === undefined) {
      // No census to compare with yet: deleted_issues starts with what the audit log remembers.
      const history = this.into.deletedIssues ? yield* auditHistory(ctx) : { requests: 0, denied: false, rows: 0 };
      this.emitted += history.rows;
      this.census = census;
      this.next = { at, ...encodeCensus(census.byProject), ...(history.denied ? { auditDenied: at } : {}) };
      yield this.info(`id census: ${census.all.length} issues in ${requests} requests; deletions are reported from the next run on`);
      return;
    }
    // Jira answers dead credentials with an anonymous view, in which everything looks deleted.
    if (unidentified() > before) await ctx.proveCredentials();
    const told = toldIds(this.prior);
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
    let deleted = 0;
    let left = 0;
    for (const c of candidates) {
      const updated = there.found.get(c.id);
      if (updated !== undefined) {
        if (!(updated < started - LAG_MS)) addTo(kept, c.project, c.id); // not searchable yet
        else left++;
        continue;
      }
      const audit = audited.get(c.id);
      const deletedAt = audit?.at ?? at;
      deleted++;
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
    this.census = census;
    this.next = { at, ...encodeCensus(listed), ...(auditDenied === undefined ? {} : { auditDenied }) };
    if (hidden.length > 0) {
      yield this.warn(
        `project ${hidden.join(', ')} is no longer visible: the id census lists none of its issues and GET /project/{key} answers 404/403. That is how a lost browse permission looks (a deleted project looks the same), so none of its issues is marked deleted and their rows stay; restore the permission, or if the project was deleted, delete its rows downstream`,
      );
    }
    const late = candidates.length - deleted - left;
    const notes = [late > 0 ? `; ${late} not listed yet still there (index lag)` : '', left > 0 ? `; ${left} left the scope (moved out of projects/jql; they exist, so their rows are not marked deleted)` : ''];
    yield this.info(`id census: ${census.all.length} issues in ${requests} requests; ${deleted} deleted since ${this.prior.at} (${fromAudit} named by the audit log)${notes.join('')}`);
  }

  /** The census part of the state to send now: the new one once taken, else the prior one. */
  state(): CensusState | undefined {
    if (this.next === undefined) return this.prior;
    if (this.baseline !== undefined) return { ...this.next, ...this.baseline.encoded() };
    const more = this.more.encoded();
    return Object.keys(more).length === 0 ? this.next : { ...this.next, more };
  }

  /** The walk, its STATEs carrying the census (and sent to deleted_issues), its emitted ids noted. */
  carry(walk: PreparedWalk): PreparedWalk {
    const self = this;
    return {
      ...walk,
      *records(issue) {
        self.note(issue.id, issue.key);
        yield* walk.records(issue);
      },
      states(state: JsonObject) {
        // A big first run's baseline thins its in-progress STATEs (baseline.ts); a window's completion always goes out.
        if (self.baseline !== undefined && 'window' in state && !self.baseline.due()) return [];
        const census = self.state();
        const full = census === undefined ? state : { ...state, census };
        const events = walk.states(full);
        return self.into.deletedIssues ? [...events, { type: 'state', stream: DELETED_ISSUES, state: full }] : events;
      },
    };
  }

  private note(idText: string, key: string): void {
    if (this.census === undefined) return;
    const id = Number(idText);
    const project = key.slice(0, Math.max(0, key.lastIndexOf('-')));
    if (this.baseline !== undefined) return this.baseline.add(project, id);
    if (hasId(this.census.all, id)) return;
    if (!this.more.has(project, id)) this.more.add(project, id);
  }

  private info(message: string): StreamEvent {
    return { type: 'log', level: 'INFO', message: `${this.label}: ${message}` };
  }

  private warn(message: string): StreamEvent {
    return { type: 'log', level: 'WARN', message: `${this.label}: ${message}` };
  }
}
