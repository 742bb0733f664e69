// Issue links: one link joins two issues (from <outward verb> to, e.g. A blocks B) and shows in the
// `issuelinks` field of both, with the same id. Seeded deterministically; link/unlink (control API,
// churn) bump both issues' `updated`, as Jira does.
import { hash01, hashInt } from './random.js';

export interface IssueLink { id: number; from: number; to: number; type: number }

export const LINK_ID_BASE = 10000;

export class IssueLinks {
  private readonly byId = new Map<number, IssueLink>();
  private readonly byIssue = new Map<number, Set<number>>();
  private nextId = LINK_ID_BASE;

  /** About one issue in five links to one of the 50 created just before it (related work is close in time). */
  seed(seed: number, n: number, types: number): void {
    for (let i = 1; i < n; i++) {
      if (hash01(seed, i, 60) < 0.2) this.add(i, i - 1 - hashInt(Math.min(i, 50), seed, i, 61), hashInt(types, seed, i, 62));
    }
  }

  add(from: number, to: number, type: number): IssueLink {
    const link = { id: this.nextId++, from, to, type };
    this.byId.set(link.id, link);
    for (const idx of [from, to]) {
      let set = this.byIssue.get(idx);
      if (!set) this.byIssue.set(idx, (set = new Set()));
      set.add(link.id);
    }
    return link;
  }

  remove(id: number): IssueLink | undefined {
    const link = this.byId.get(id);
    if (!link) return undefined;
    this.byId.delete(id);
    this.byIssue.get(link.from)?.delete(id);
    this.byIssue.get(link.to)?.delete(id);
    return link;
  }

  get(id: number): IssueLink | undefined {
    return this.byId.get(id);
  }

  /** The links that show on an issue, oldest first. */
  of(idx: number): IssueLink[] {
    const ids = this.byIssue.get(idx);
    return ids ? [...ids].map((id) => this.byId.get(id)!) : [];
  }

  /** Every link, oldest first. */
  all(): IssueLink[] {
    return [...this.byId.values()];
  }
}
