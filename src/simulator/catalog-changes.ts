// Changes to the catalog while the simulator runs (control API and churn): projects, users, boards and
// sprints created, changed and deleted, as a Jira admin or a team would. What Jira does to the issues
// around them is mirrored: a deleted project goes to the trash with its issues (they answer 404) and
// its boards; a deleted sprint sends its issues to the backlog (their Sprint field changes, so their
// `updated` moves); a deleted user stays on the issues that name them but leaves the user lists.
// Bodies are rendered from the catalog: every change bumps `catalogGeneration`, and the renderers
// (which cache serialised users, projects and sprints) are rebuilt on the next request.
import type { Board, Catalog, Project, Sprint, User } from './catalog.js';
import type { IssueStore } from './issue-store.js';

export type CatalogKind = 'project' | 'user' | 'board' | 'sprint';
export const CATALOG_KINDS: readonly CatalogKind[] = ['project', 'user', 'board', 'sprint'];

/** Entities the control API deleted (flag kept on the object so indexes into the catalog stay valid). */
export interface Deletable { deleted?: boolean }

const DAY = 86_400_000;

export class CatalogChanges {
  /** Bumped on every change; renderers built for an older generation are rebuilt. */
  generation = 0;

  constructor(private readonly catalog: Catalog, private readonly store: IssueStore, private readonly clock: () => number) {}

  live<T extends object>(items: T[]): T[] {
    return items.filter((x) => !(x as Deletable).deleted && !(x as { hidden?: boolean }).hidden);
  }

  /** A project the user may no longer browse (or may again): gone from the project lists, its issues unseen. */
  hideProject(key: string, hidden: boolean): void {
    const p = this.catalog.projects.find((x) => x.key === key.toUpperCase() && !(x as Deletable).deleted);
    if (!p) throw new Error(`hideProject(): no project ${key}.`);
    (p as { hidden?: boolean }).hidden = hidden;
    this.store.setProjectHidden(p.idx, hidden, this.clock());
    this.generation++;
  }

  create(kind: CatalogKind, fields: Record<string, unknown> = {}): string {
    const c = this.catalog;
    const text = (k: string, fallback: string) => (typeof fields[k] === 'string' ? (fields[k] as string) : fallback);
    let id: string;
    switch (kind) {
      case 'project': {
        const idx = c.projects.length;
        if (idx >= 255) throw new Error('createEntity(project): the simulator holds at most 255 projects.');
        const key = text('key', `P${idx}`).toUpperCase();
        if (!/^[A-Z][A-Z0-9_]{1,9}$/.test(key) || c.projects.some((p) => p.key === key)) throw new Error(`createEntity(project): key ${key} is taken or not a Jira project key.`);
        const p: Project = { idx, id: String(10000 + idx), key, name: text('name', `Project ${key}`), leadUser: 1 % c.users.length };
        c.projects.push(p);
        this.store.addProject();
        c.projectRank = rankOf(c.projects);
        id = p.id;
        break;
      }
      case 'user': {
        const i = c.users.length;
        const name = text('displayName', `New User ${i}`);
        const u: User = { accountId: `712020:${String(i).padStart(8, '0')}-c0de-4000-8000-${String(i).padStart(12, '0')}`, displayName: name, emailAddress: text('emailAddress', `user${i}@example.com`), active: fields.active !== false };
        c.users.push(u);
        id = u.accountId;
        break;
      }
      case 'board': {
        const p = this.project(text('projectKey', this.live(c.projects)[0]?.key ?? ''));
        const type = fields.type === 'kanban' ? 'kanban' : 'scrum';
        const b: Board = { id: Math.max(0, ...c.boards.map((x) => x.id)) + 1, name: text('name', `${p.key} board ${c.boards.length + 1}`), type, projectIdx: p.idx };
        c.boards.push(b);
        id = String(b.id);
        break;
      }
      case 'sprint': {
        const b = this.board(fields.boardId);
        if (b.type !== 'scrum') throw new Error(`createEntity(sprint): board ${b.id} is a kanban board, which has no sprints.`);
        const start = typeof fields.start === 'number' ? fields.start : this.clock() + DAY;
        const s: Sprint = { id: Math.max(0, ...c.sprints.map((x) => x.id)) + 1, boardId: b.id, projectIdx: b.projectIdx, name: text('name', `${c.projects[b.projectIdx]!.key} Sprint ${c.sprints.length + 1}`), state: 'future', start, end: start + 14 * DAY, goal: text('goal', '') };
        c.sprints.push(s);
        id = String(s.id);
        break;
      }
    }
    this.generation++;
    return id;
  }

  update(kind: CatalogKind, id: string, patch: Record<string, unknown>): void {
    const pick = <T extends object>(target: T, allowed: Record<string, 'string' | 'boolean' | 'number'>) => {
      for (const [k, v] of Object.entries(patch)) {
        if (!(k in allowed)) throw new Error(`updateEntity(${kind}): ${k} cannot be changed; changeable: ${Object.keys(allowed).join(', ')}.`);
        if (typeof v !== allowed[k]) throw new Error(`updateEntity(${kind}): ${k} must be a ${allowed[k]}.`);
        (target as Record<string, unknown>)[k] = v;
      }
    };
    switch (kind) {
      case 'project': pick(this.project(id), { name: 'string' }); break;
      case 'user': pick(this.user(id), { displayName: 'string', emailAddress: 'string', active: 'boolean' }); break;
      case 'board': pick(this.board(id), { name: 'string' }); break;
      case 'sprint': {
        const s = this.sprint(id);
        if (patch.state !== undefined && !['future', 'active', 'closed'].includes(String(patch.state))) throw new Error('updateEntity(sprint): state must be future, active or closed.');
        const wasOpen = s.state !== 'closed';
        pick(s, { name: 'string', goal: 'string', state: 'string', start: 'number', end: 'number' });
        // A rename shows in the Sprint field of its issues without moving their `updated`. Closing carries
        // the unfinished issues over to the board's next open sprint (else the backlog); the field then
        // lists both. Whether Jira moves `updated` then is unconfirmed (Hygieia#1238 says sprint start and
        // close do not); the simulator moves it, as for any change of the Sprint field.
        if (wasOpen && s.state === 'closed') {
          const next = this.catalog.sprints.filter((x) => x.boardId === s.boardId && x.id !== s.id && x.state !== 'closed').sort((a, b) => a.start - b.start)[0];
          const now = this.clock();
          for (let i = 0; i < this.store.count; i++) {
            if (this.store.sprint[i] === s.id && this.store.isLive(i) && !this.store.isResolved(this.store.live, i)) this.store.carryOver(i, s.id, next?.id ?? 0, now);
          }
        }
        break;
      }
    }
    this.generation++;
  }

  delete(kind: CatalogKind, id: string): void {
    const c = this.catalog;
    const now = this.clock();
    switch (kind) {
      case 'project': {
        const p = this.project(id);
        (p as Deletable).deleted = true;
        for (let i = 0; i < this.store.count; i++) if (this.store.project[i] === p.idx && this.store.isLive(i)) this.store.delete(i, now);
        for (const b of c.boards.filter((x) => x.projectIdx === p.idx)) this.delete('board', String(b.id));
        break;
      }
      case 'user': (this.user(id) as Deletable).deleted = true; break;
      case 'board': {
        const b = this.board(id);
        for (const s of c.sprints.filter((x) => x.boardId === b.id)) this.delete('sprint', String(s.id));
        c.boards.splice(c.boards.indexOf(b), 1);
        break;
      }
      case 'sprint': {
        const s = this.sprint(id);
        this.store.forgetSprint(s.id, now);
        c.sprints.splice(c.sprints.indexOf(s), 1);
        break;
      }
    }
    this.generation++;
  }

  /** One random change, for churn: mostly edits, some creates, deletes only of sprints and boards made by churn. */
  random(rnd: () => number): void {
    const c = this.catalog;
    const r = rnd();
    const any = <T>(xs: T[]): T | undefined => xs[Math.floor(rnd() * xs.length)];
    const scrum = this.live(c.boards).filter((b) => b.type === 'scrum' && !(c.projects[b.projectIdx] as Deletable).deleted);
    if (r < 0.25) {
      const u = any(this.live(c.users).slice(1));
      if (u) this.update('user', u.accountId, { displayName: `${u.displayName.replace(/ \(\d+\)$/, '')} (${Math.floor(rnd() * 1000)})` });
    } else if (r < 0.4) {
      this.create('user', {});
    } else if (r < 0.55) {
      const b = any(scrum);
      if (b) this.create('sprint', { boardId: b.id });
    } else if (r < 0.7) {
      const s = any(c.sprints);
      if (s) this.update('sprint', String(s.id), { goal: `Goal ${Math.floor(rnd() * 1000)}` });
    } else if (r < 0.8) {
      const p = any(this.live(c.projects));
      if (p) this.update('project', p.id, { name: `${p.name.replace(/ \(\d+\)$/, '')} (${Math.floor(rnd() * 1000)})` });
    } else if (r < 0.9) {
      const p = any(this.live(c.projects));
      if (p) this.create('board', { projectKey: p.key, type: rnd() < 0.5 ? 'scrum' : 'kanban', name: `${p.key} churn board` });
    } else {
      const b = any(c.boards.filter((x) => x.name.endsWith('churn board')));
      if (b) this.delete('board', String(b.id));
    }
  }

  private project(idOrKey: string): Project {
    const p = this.catalog.projects.find((x) => (x.id === idOrKey || x.key === idOrKey.toUpperCase()) && !(x as Deletable).deleted);
    if (!p) throw new Error(`no project ${idOrKey}`);
    return p;
  }
  private user(accountId: string): User {
    const u = this.catalog.users.find((x) => x.accountId === accountId && !(x as Deletable).deleted);
    if (!u) throw new Error(`no user ${accountId}`);
    return u;
  }
  private board(id: unknown): Board {
    const b = this.catalog.boards.find((x) => String(x.id) === String(id));
    if (!b) throw new Error(`no board ${String(id)}`);
    return b;
  }
  private sprint(id: string): Sprint {
    const s = this.catalog.sprints.find((x) => String(x.id) === id);
    if (!s) throw new Error(`no sprint ${id}`);
    return s;
  }
}

/** Project indexes ranked by key (Jira's key order compares project keys first). */
function rankOf(projects: Project[]): Uint8Array {
  const rank = new Uint8Array(projects.length);
  projects.map((p) => p.idx).sort((a, b) => (projects[a]!.key < projects[b]!.key ? -1 : 1)).forEach((pIdx, r) => (rank[pIdx] = r));
  return rank;
}
