// Background churn: updates, creates, deletes, comments and worklogs at configured rates, driven by
// a timer that is unref'd (never keeps the process alive) and stops on close().
import type { CatalogChanges } from './catalog-changes.js';
import { LINK_TYPES } from './catalog.js';
import type { IssueStore } from './issue-store.js';
import type { ChurnOptions } from './types.js';

const TICK_MS = 50;
const MAX_PER_TICK = 20_000;

export class Churn {
  private timer: NodeJS.Timeout | undefined;
  private carry = { u: 0, c: 0, d: 0, cm: 0, cc: 0, w: 0, mv: 0, ln: 0, sp: 0, cat: 0 };
  private last = 0;
  rates: ChurnOptions = {};

  constructor(
    private readonly store: IssueStore,
    private readonly clock: () => number,
    private readonly rnd: () => number,
    private readonly catalog?: CatalogChanges,
    /** whether a comment edit or deletion moves the issue's `updated` (read per change: configure() may change it) */
    private readonly commentChangesMoveUpdated: () => boolean = () => true,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(rates?: ChurnOptions): void {
    if (rates) this.rates = { ...this.rates, ...rates };
    if (this.timer) return;
    this.last = this.clock();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private take(key: keyof Churn['carry'], rate: number | undefined, dt: number): number {
    this.carry[key] += ((rate ?? 0) * dt) / 1000;
    const n = Math.min(MAX_PER_TICK, Math.floor(this.carry[key]));
    this.carry[key] -= n;
    return n;
  }

  private tick(): void {
    const now = this.clock();
    const dt = Math.max(0, now - this.last);
    this.last = now;
    const s = this.store;
    const r = this.rates;
    for (let k = this.take('u', r.updatesPerSecond, dt); k > 0; k--) {
      const idx = s.pickLive(this.rnd);
      if (idx >= 0) s.update(idx, now, this.rnd);
    }
    for (let k = this.take('c', r.createsPerSecond, dt); k > 0; k--) s.create(now, this.rnd);
    for (let k = this.take('d', r.deletesPerSecond, dt); k > 0; k--) {
      const idx = s.pickLive(this.rnd);
      if (idx >= 0) s.delete(idx, now);
    }
    const projects = s.catalog.projects.length;
    for (let k = this.take('mv', r.movesPerSecond, dt); k > 0 && projects > 1; k--) {
      const idx = s.pickLive(this.rnd);
      if (idx >= 0) s.move(idx, (s.project[idx]! + 1 + Math.floor(this.rnd() * (projects - 1))) % projects, now);
    }
    for (let k = this.take('cm', r.commentsPerSecond, dt); k > 0; k--) {
      const idx = s.pickLive(this.rnd);
      if (idx >= 0) s.addComment(idx, now);
    }
    for (let k = this.take('cc', r.commentChangesPerSecond, dt); k > 0; k--) {
      const idx = s.pickLive(this.rnd);
      if (idx >= 0) s.changeComment(idx, this.rnd() < 0.5 ? 'edit' : 'delete', now, this.commentChangesMoveUpdated(), this.rnd);
    }
    for (let k = this.take('w', r.worklogsPerSecond, dt); k > 0; k--) {
      const idx = s.pickLive(this.rnd);
      if (idx < 0) continue;
      // One worklog change in five is a deletion (feeding /worklog/deleted), one in five an edit, the rest new worklogs.
      const roll = this.rnd();
      const done = roll < 0.2 ? s.deleteWorklog(idx, now, this.rnd) : roll < 0.4 ? s.editWorklog(idx, now, this.rnd) : false;
      if (!done) s.addWorklog(idx, now);
    }
    for (let k = this.take('ln', r.linksPerSecond, dt); k > 0; k--) this.linkOrUnlink(now);
    for (let k = this.take('sp', r.sprintMovesPerSecond, dt); k > 0; k--) {
      const idx = s.pickLive(this.rnd);
      if (idx < 0) continue;
      // Another open sprint of the issue's project, or the backlog.
      const open = s.catalog.sprints.filter((x) => x.projectIdx === s.project[idx] && x.state !== 'closed' && x.id !== s.sprint[idx]);
      const to = open.length === 0 || this.rnd() < 0.2 ? 0 : open[Math.floor(this.rnd() * open.length)]!.id;
      s.setSprint(idx, to, now);
    }
    for (let k = this.take('cat', r.catalogChangesPerSecond, dt); k > 0 && this.catalog; k--) this.catalog.random(this.rnd);
  }

  /** Half the time a new link between two live issues, else the removal of one link of a live issue. */
  private linkOrUnlink(now: number): void {
    const s = this.store;
    const a = s.pickLive(this.rnd);
    if (a < 0) return;
    const links = s.links.of(a);
    if (links.length > 0 && this.rnd() < 0.5) {
      s.unlink(links[Math.floor(this.rnd() * links.length)]!.id, now);
      return;
    }
    const b = s.pickLive(this.rnd);
    if (b >= 0 && b !== a) s.link(a, b, Math.floor(this.rnd() * LINK_TYPES.length), now);
  }
}
