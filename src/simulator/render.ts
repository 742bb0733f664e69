// Builds Jira-shaped JSON bodies on demand from the compact columns. Shared sub-objects (users,
// statuses, projects…) are built once per renderer and reused, which keeps rendering cheap.
import {
  AREA_OPTIONS, CF, Catalog, FIELDS, ISSUE_TYPES, LABELS, LINK_TYPES, PLATFORM_OPTIONS, PRIORITIES, REGION_OPTIONS, RESOLUTIONS,
  SEVERITY_OPTIONS, STATUS_CATEGORIES, STATUSES, TEAM_OPTIONS, fieldsWith, type FieldDef,
} from './catalog.js';
import type { DeploymentMode, LieOptions } from './types.js';
import { ID_BASE, IssueStore, MutableColumns } from './issue-store.js';
import { hash01, hashInt } from './random.js';
import type { ZoneClock } from './time-zone.js';

type Json = Record<string, unknown>;

const VERBS = ['Fix', 'Add', 'Improve', 'Remove', 'Refactor', 'Document', 'Investigate', 'Speed up'];
const NOUNS = ['login timeout', 'export to CSV', 'billing page', 'search index', 'webhook retries', 'dark mode', 'audit log', 'rate limiter', 'onboarding flow', 'release notes'];
const PLACES = ['web client', 'mobile app', 'API gateway', 'worker', 'admin console', 'importer'];

export function summaryOf(seed: number, idx: number, rev: number): string {
  const id = ID_BASE + idx;
  const base = `${VERBS[hashInt(VERBS.length, seed, id, 1)]} ${NOUNS[hashInt(NOUNS.length, seed, id, 2)]} in ${PLACES[hashInt(PLACES.length, seed, id, 3)]}`;
  return rev ? `${base} (edit ${rev})` : base;
}

export function adf(text: string): Json {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

export interface FieldSelection {
  /** Field ids to render in `fields`. */
  ids: string[];
  /** Only `id` was asked for: issues are rendered as `{id}`. */
  idOnly: boolean;
  /** Many fields requested (`*all`, `*navigable`, > 5 explicit): pages may be capped. */
  heavy: boolean;
  key: string;
}

interface FieldSets { ids: Set<string>; all: string[]; navigable: string[] }
const fieldSets = new WeakMap<FieldDef[], FieldSets>();
function setsOf(fields: FieldDef[]): FieldSets {
  let sets = fieldSets.get(fields);
  if (sets === undefined) {
    const listed = fields.filter((f) => f.id !== 'issuekey');
    sets = { ids: new Set(fields.map((f) => f.id)), all: listed.map((f) => f.id), navigable: listed.filter((f) => f.navigable).map((f) => f.id) };
    fieldSets.set(fields, sets);
  }
  return sets;
}

/** Jira's `fields` parameter: comma lists and repeats, `*all`, `*navigable`, `-field` exclusions. `fields`: the site's fields. */
export function parseFields(raw: string[] | undefined, fallback: string, fields: FieldDef[] = FIELDS): FieldSelection {
  const { ids: FIELD_IDS, all: ALL_FIELDS, navigable: NAVIGABLE_FIELDS } = setsOf(fields);
  const tokens = (raw && raw.length ? raw : [fallback]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const out = new Set<string>();
  const minus = new Set<string>();
  let heavy = false;
  let explicit = 0;
  let onlyId = true;
  for (const t of tokens) {
    if (t === '*all') { ALL_FIELDS.forEach((f) => out.add(f)); heavy = true; onlyId = false; }
    else if (t === '*navigable') { NAVIGABLE_FIELDS.forEach((f) => out.add(f)); heavy = true; onlyId = false; }
    else if (t.startsWith('-')) minus.add(t.slice(1));
    else if (t === 'id') explicit++;
    else {
      onlyId = false;
      explicit++;
      if (t !== 'key' && t !== 'issuekey' && FIELD_IDS.has(t)) out.add(t);
    }
  }
  minus.forEach((m) => out.delete(m));
  if (explicit > 5) heavy = true;
  const ids = [...out];
  return { ids, idOnly: onlyId, heavy, key: tokens.join(',') };
}

export interface RenderOptions {
  /** v3 bodies use Atlassian Document Format; v2 plain strings. */
  adf: boolean;
  commentCap: number;
  changelogCap: number;
  expandChangelog: boolean;
}

export function renderOptions(api: '2' | '3', expand: string[], commentCap: number, changelogCap: number): RenderOptions {
  return { adf: api === '3', commentCap, changelogCap, expandChangelog: expand.includes('changelog') };
}

export interface CommentItem { id: number; at: number; author: number; edited?: number }
export interface ChangeHistory { id: number; at: number; author: number; field: string; from: number; to: number }

const DAY = 86_400_000;

export class Renderer {
  private users: Json[];
  private statuses: Json[];
  private types: Json[];
  private priorities: Json[];
  private projects: Json[];
  private resolution: Json;
  private teams: Json[];
  private areas: Json[];
  private sprints = new Map<number, Json>();

  constructor(
    readonly store: IssueStore,
    readonly zone: ZoneClock,
    readonly timeZone: string,
    readonly base: string,
    readonly api: '2' | '3',
    /** mode, lies and extra fields as configured now (read per issue: configure() changes them) */
    private readonly settings?: { mode: DeploymentMode; lies?: LieOptions; extraCustomFields: number },
  ) {
    const c = store.catalog;
    this.users = c.users.map((_u, i) => this.user(i));
    this.statuses = STATUSES.map((s) => this.status(s.id));
    this.types = ISSUE_TYPES.map((t) => this.issueType(t.id));
    this.priorities = PRIORITIES.map((p) => this.priority(p.id));
    this.projects = c.projects.map((p) => this.projectRef(p.idx));
    this.resolution = this.resolutionBean(RESOLUTIONS[0]!.id);
    this.teams = TEAM_OPTIONS.map((o) => ({ self: `${base}/rest/api/${api}/customFieldOption/${o.id}`, value: o.value, id: o.id }));
    this.areas = AREA_OPTIONS.map((o) => ({ self: `${base}/rest/api/${api}/customFieldOption/${o.id}`, value: o.value, id: o.id }));
    for (const s of c.sprints) this.sprints.set(s.id, this.sprintRef(s.id));
  }

  get catalog(): Catalog {
    return this.store.catalog;
  }

  text(s: string): unknown {
    return this.api === '3' ? adf(s) : s;
  }

  avatars(kind: string, id: string): Json {
    const u = `${this.base}/secure/${kind}avatar?avatarId=${id}`;
    return { '48x48': u, '24x24': `${u}&size=small`, '16x16': `${u}&size=xsmall`, '32x32': `${u}&size=medium` };
  }

  user(i: number): Json {
    const u = this.catalog.users[i]!;
    return {
      self: `${this.base}/rest/api/${this.api}/user?accountId=${encodeURIComponent(u.accountId)}`,
      accountId: u.accountId, emailAddress: u.emailAddress, avatarUrls: this.avatars('user', String(10100 + i)),
      displayName: u.displayName, active: u.active, timeZone: this.timeZone, accountType: 'atlassian',
    };
  }
  /** A Data Center user: no accountId; `name` (the login) and `key` identify it. */
  userDc(i: number): Json {
    const { accountId: _a, accountType: _t, ...rest } = this.user(i);
    const name = this.catalog.users[i]!.emailAddress.split('@')[0]!;
    return { ...rest, self: `${this.base}/rest/api/${this.api}/user?username=${encodeURIComponent(name)}`, key: `JIRAUSER${10000 + i}`, name };
  }
  private get dc(): boolean {
    return this.settings?.mode === 'datacenter';
  }
  userRef(i: number): Json {
    return this.users[i]!;
  }

  statusCategory(id: number): Json {
    const c = STATUS_CATEGORIES.find((x) => x.id === id)!;
    return { self: `${this.base}/rest/api/${this.api}/statuscategory/${c.id}`, id: c.id, key: c.key, colorName: c.colorName, name: c.name };
  }
  status(id: string): Json {
    const s = STATUSES.find((x) => x.id === id)!;
    return {
      self: `${this.base}/rest/api/${this.api}/status/${s.id}`, description: s.description,
      iconUrl: `${this.base}/images/icons/statuses/generic.png`, name: s.name, id: s.id,
      statusCategory: this.statusCategory(s.categoryId),
    };
  }
  issueType(id: string): Json {
    const t = ISSUE_TYPES.find((x) => x.id === id)!;
    return {
      self: `${this.base}/rest/api/${this.api}/issuetype/${t.id}`, id: t.id, description: t.description,
      iconUrl: `${this.base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${t.id}`, name: t.name,
      subtask: t.subtask, avatarId: 10300 + Number(t.id) % 100, hierarchyLevel: t.hierarchyLevel,
    };
  }
  priority(id: string): Json {
    const p = PRIORITIES.find((x) => x.id === id)!;
    return { self: `${this.base}/rest/api/${this.api}/priority/${p.id}`, iconUrl: `${this.base}/images/icons/priorities/${p.name.toLowerCase()}.svg`, name: p.name, id: p.id };
  }
  resolutionBean(id: string): Json {
    const r = RESOLUTIONS.find((x) => x.id === id)!;
    return { self: `${this.base}/rest/api/${this.api}/resolution/${r.id}`, id: r.id, description: r.description, name: r.name };
  }
  projectRef(pIdx: number): Json {
    const p = this.catalog.projects[pIdx]!;
    return {
      self: `${this.base}/rest/api/${this.api}/project/${p.id}`, id: p.id, key: p.key, name: p.name,
      projectTypeKey: 'software', simplified: false, avatarUrls: this.avatars('project', String(10400 + pIdx)),
    };
  }
  private sprintName(id: number): string {
    return this.catalog.sprints.find((x) => x.id === id)?.name ?? `Sprint ${id}`;
  }
  sprintRef(id: number): Json {
    const s = this.catalog.sprints.find((x) => x.id === id)!;
    const out: Json = {
      id: s.id, name: s.name, state: s.state, boardId: s.boardId, goal: s.goal,
      startDate: new Date(s.start).toISOString(), endDate: new Date(s.end).toISOString(),
    };
    if (s.state === 'closed') out.completeDate = new Date(s.end).toISOString();
    return out;
  }
  version(vIdx: number): Json {
    const v = this.catalog.versions[vIdx]!;
    const p = this.catalog.projects[v.projectIdx]!;
    return {
      self: `${this.base}/rest/api/${this.api}/version/${v.id}`, id: v.id, description: `Release ${v.name}`, name: v.name,
      archived: false, released: v.released, releaseDate: this.zone.formatDate(v.releaseDate), projectId: Number(p.id),
    };
  }
  component(cIdx: number, full: boolean): Json {
    const c = this.catalog.components[cIdx]!;
    const ref: Json = { self: `${this.base}/rest/api/${this.api}/component/${c.id}`, id: c.id, name: c.name, description: `${c.name} component` };
    if (!full) return ref;
    const p = this.catalog.projects[c.projectIdx]!;
    return {
      ...ref, lead: this.userRef(c.leadUser), assigneeType: 'PROJECT_DEFAULT', assignee: this.userRef(p.leadUser),
      realAssigneeType: 'PROJECT_DEFAULT', realAssignee: this.userRef(p.leadUser), isAssigneeTypeValid: true,
      project: p.key, projectId: Number(p.id),
    };
  }

  /** Data Center's toString of a sprint (the goal may hold commas and brackets). */
  sprintString(id: number): string {
    const sp = this.catalog.sprints.find((x) => x.id === id)!;
    const d = (ms: number) => new Date(ms).toISOString();
    return `com.atlassian.greenhopper.service.sprint.Sprint@${(0x1a2b3c + id).toString(16)}[id=${sp.id},rapidViewId=${sp.boardId},state=${sp.state.toUpperCase()},name=${sp.name},startDate=${d(sp.start)},endDate=${d(sp.end)},completeDate=${sp.state === 'closed' ? d(sp.end) : '<null>'},activatedDate=${d(sp.start)},sequence=${sp.id},goal=${sp.goal},synced=false,autoStartStop=false,incompleteIssuesDestinationId=<null>]`;
  }

  /** The IssueLink beans of an issue: the other issue as `outwardIssue` (this one is the from side) or `inwardIssue`. */
  private issueLinksJson(v: MutableColumns, idx: number): string {
    const s = this.store;
    const F = this.frag();
    const out: string[] = [];
    for (const l of s.links.of(idx)) {
      const other = l.from === idx ? l.to : l.from;
      if (!s.isLive(other)) continue;
      const t = LINK_TYPES[l.type]!;
      const type = JSON.stringify({ ...t, self: `${this.base}/rest/api/${this.api}/issueLinkType/${t.id}` });
      const ref = `{"id":"${ID_BASE + other}","key":"${s.keyOf(other)}","self":"${this.base}/rest/api/${this.api}/issue/${ID_BASE + other}","fields":{"summary":${JSON.stringify(summaryOf(s.seed, other, v.rev[other]!))},"status":${F.statuses[v.status[other]!]},"priority":${F.priorities[v.priority[other]!]},"issuetype":${F.types[v.issuetype[other]!]}}}`;
      out.push(`{"id":"${l.id}","self":"${this.base}/rest/api/${this.api}/issueLink/${l.id}","type":${type},"${l.from === idx ? 'outwardIssue' : 'inwardIssue'}":${ref}}`);
    }
    return `[${out.join(',')}]`;
  }

  // --- per-issue collections --------------------------------------------------------------------

  comments(idx: number): CommentItem[] {
    const s = this.store;
    const id = ID_BASE + idx;
    const n = s.seedComments[idx]!;
    const from = s.created[idx]!;
    const span = s.seedUpdated[idx]! - from;
    const out: CommentItem[] = [];
    for (let j = 0; j < n; j++) out.push({ id: id * 1000 + j, at: Math.floor(from + (span * (j + 1)) / (n + 1)), author: 1 + hashInt(s.catalog.users.length - 1, s.seed, id, 100 + j) });
    const extra = s.extras.get(idx);
    extra?.comments.forEach((at, k) => out.push({ id: id * 1000 + n + k, at, author: 1 + hashInt(s.catalog.users.length - 1, s.seed, id, 300 + k) }));
    const edited = extra?.editedComments;
    const gone = extra?.deletedComments;
    if (!edited?.size && !gone?.size) return out;
    return out.filter((c) => !gone?.has(c.id)).map((c) => (edited?.has(c.id) ? { ...c, edited: edited.get(c.id)! } : c));
  }
  comment(idx: number, c: CommentItem): Json {
    const u = this.userRef(c.author);
    const text = `Comment ${c.id % 1000 + 1} on ${this.store.keyOf(idx)}: ${c.edited === undefined ? 'looks good to me.' : `edited at ${c.edited}.`}`;
    return {
      self: `${this.base}/rest/api/${this.api}/issue/${ID_BASE + idx}/comment/${c.id}`, id: String(c.id), author: u,
      body: this.text(text), updateAuthor: u,
      created: this.zone.format(c.at), updated: this.zone.format(c.edited ?? c.at), jsdPublic: true,
    };
  }
  worklogs(idx: number): CommentItem[] {
    const s = this.store;
    const id = ID_BASE + idx;
    const n = s.seedWorklogs[idx]!;
    const out: CommentItem[] = [];
    for (let j = 0; j < n; j++) out.push({ id: id * 1000 + j, at: s.seedWorklogAt(idx, j), author: 1 + hashInt(s.catalog.users.length - 1, s.seed, id, 500 + j) });
    const extra = s.extras.get(idx);
    extra?.worklogs.forEach((at, k) => out.push({ id: id * 1000 + n + k, at, author: 1 + hashInt(s.catalog.users.length - 1, s.seed, id, 700 + k) }));
    const gone = extra?.deletedWorklogs;
    return gone && gone.length ? out.filter((w) => !gone.includes(w.id)) : out;
  }
  worklog(idx: number, w: CommentItem): Json {
    const u = this.userRef(w.author);
    // An edit changes the time spent and moves `updated` (the worklog feed lists it again).
    const edited = this.store.worklogEdited(w.id);
    const secs = 900 * (1 + ((w.id + (edited?.times ?? 0)) % 16));
    return {
      self: `${this.base}/rest/api/${this.api}/issue/${ID_BASE + idx}/worklog/${w.id}`, author: u, updateAuthor: u,
      comment: this.text(edited ? 'Worked on it (time corrected).' : 'Worked on it.'), created: this.zone.format(w.at), updated: this.zone.format(edited?.at ?? w.at),
      started: this.zone.format(w.at - secs * 1000), timeSpent: `${Math.floor(secs / 3600)}h ${(secs % 3600) / 60}m`.replace(/^0h /, '').replace(/ 0m$/, ''),
      timeSpentSeconds: secs, id: String(w.id), issueId: String(ID_BASE + idx),
    };
  }
  changes(idx: number): ChangeHistory[] {
    const s = this.store;
    const id = ID_BASE + idx;
    const n = s.seedChanges[idx]!;
    const from = s.created[idx]!;
    const span = s.seedUpdated[idx]! - from;
    const out: ChangeHistory[] = [];
    for (let j = 0; j < n; j++) {
      out.push({ id: id * 1000 + j, at: Math.floor(from + (span * (j + 1)) / (n + 1)), author: 1 + hashInt(s.catalog.users.length - 1, s.seed, id, 900 + j), field: 'status', from: j % STATUSES.length, to: (j + 1) % STATUSES.length });
    }
    s.extras.get(idx)?.changes.forEach((c, k) => out.push({ id: id * 1000 + n + k, at: c.at, author: 1 + hashInt(s.catalog.users.length - 1, s.seed, id, 1100 + k), field: c.field, from: c.from, to: c.to }));
    return out;
  }
  history(h: ChangeHistory): Json {
    const item = this.changeItem(h);
    return { id: String(h.id), author: this.userRef(h.author), created: this.zone.format(h.at), items: [item] };
  }
  private changeItem(h: ChangeHistory): Json {
    const c = this.catalog;
    switch (h.field) {
      case 'status':
        return { field: 'status', fieldtype: 'jira', fieldId: 'status', from: STATUSES[h.from]!.id, fromString: STATUSES[h.from]!.name, to: STATUSES[h.to]!.id, toString: STATUSES[h.to]!.name };
      case 'priority':
        return { field: 'priority', fieldtype: 'jira', fieldId: 'priority', from: PRIORITIES[h.from]!.id, fromString: PRIORITIES[h.from]!.name, to: PRIORITIES[h.to]!.id, toString: PRIORITIES[h.to]!.name };
      case 'assignee': {
        // The spec types from/fromString as plain strings: an empty side is left out rather than null.
        const item: Json = { field: 'assignee', fieldtype: 'jira', fieldId: 'assignee' };
        if (h.from) Object.assign(item, { from: c.users[h.from]!.accountId, fromString: c.users[h.from]!.displayName });
        return Object.assign(item, { to: c.users[h.to]!.accountId, toString: c.users[h.to]!.displayName });
      }
      case 'project': {
        const [a, b] = [c.projects[h.from]!, c.projects[h.to]!];
        return { field: 'project', fieldtype: 'jira', fieldId: 'project', from: a.id, fromString: a.name, to: b.id, toString: b.name };
      }
      case 'link':
        return { field: 'Link', fieldtype: 'jira', fromString: '', toString: 'This issue links to another' };
      case 'sprint': {
        // Sprint history items carry sprint ids (comma-separated); an empty side has no id and an empty name.
        const item: Json = { field: 'Sprint', fieldtype: 'custom', fieldId: CF.sprint, fromString: h.from ? this.sprintName(h.from) : '', toString: h.to ? this.sprintName(h.to) : '' };
        if (h.from) item.from = String(h.from);
        if (h.to) item.to = String(h.to);
        return item;
      }
      default:
        return { field: 'labels', fieldtype: 'jira', fieldId: 'labels', fromString: '', toString: 'bulk-edit' };
    }
  }

  // --- the issue ----------------------------------------------------------------------------------
  // Issues are emitted as JSON text assembled from fragments serialized once (users, statuses,
  // projects…): building and stringifying nested objects per issue was the simulator's bottleneck.

  private fragments: Fragments | undefined;
  private frag(): Fragments {
    if (this.fragments) return this.fragments;
    const j = (x: unknown) => JSON.stringify(x);
    const c = this.catalog;
    this.fragments = {
      users: this.dc ? c.users.map((_u, i) => j(this.userDc(i))) : this.users.map(j), statuses: this.statuses.map(j), types: this.types.map(j), priorities: this.priorities.map(j),
      projects: this.projects.map(j), resolution: j(this.resolution), teams: this.teams.map(j), areas: this.areas.map(j),
      sprints: new Map([...this.sprints].map(([id, sp]) => [id, j(sp)])),
      versionOne: c.versions.map((_x, i) => j(this.version(i))),
      groups: c.groups.map((g) => j({ name: g.name, ...(this.dc ? {} : { groupId: g.groupId }), self: `${this.base}/rest/api/${this.api}/group?groupname=${encodeURIComponent(g.name)}` })),
      severities: SEVERITY_OPTIONS.map((o) => j(this.option(o))),
      platforms: PLATFORM_OPTIONS.map((o) => j(this.option(o))),
      regions: REGION_OPTIONS.flatMap((o) => o.children.map((ch) => j({ ...this.option(o), child: this.option(ch) }))),
      components: c.components.map((_x, i) => `[${j(this.component(i, false))}]`),
      versions: c.versions.map((_x, i) => `[${j(this.version(i))}]`),
      labels: LABELS.map((l) => `[${j(l)}]`),
      tags: LABELS.map((l) => j(['imported', l])),
    };
    return this.fragments;
  }

  /** The issue as JSON text (IssueBean); `{"id":…}` alone when only ids were asked for. */
  issue(view: MutableColumns, idx: number, sel: FieldSelection, opt: RenderOptions): string {
    const parts: string[] = [];
    this.issueInto(parts, view, idx, sel, opt);
    return parts.join('');
  }

  /**
   * Appends the issue's JSON text to `parts`: one join of a flat list of pieces is much cheaper than
   * growing a string piece by piece (V8 flattens every intermediate rope).
   */
  private issueInto(parts: string[], view: MutableColumns, idx: number, sel: FieldSelection, opt: RenderOptions): void {
    const id = ID_BASE + idx;
    if (sel.idOnly && !opt.expandChangelog) {
      parts.push(`{"id":"${id}"}`);
      return;
    }
    parts.push(`{"expand":"renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations","id":"${id}","self":"${this.base}/rest/api/${this.api}/issue/${id}","key":"${this.store.keyOf(idx)}","fields":{`);
    let first = true;
    const wrong = this.settings?.lies?.wrongFieldValues;
    for (const f of sel.ids) {
      const lie = wrong?.[f];
      parts.push(first ? `"${f}":` : `,"${f}":`, lie !== undefined ? JSON.stringify(lie) : this.fieldJson(view, idx, f, opt));
      first = false;
    }
    parts.push('}');
    if (opt.expandChangelog) {
      // Embedded changelog is newest first and truncated, with the real total.
      const all = this.changes(idx);
      const shown = all.slice(-opt.changelogCap).reverse();
      parts.push(`,"changelog":${JSON.stringify({ startAt: 0, maxResults: shown.length, total: all.length, histories: shown.map((h) => this.history(h)) })}`);
    }
    parts.push('}');
  }

  private textJson(s: string): string {
    const t = JSON.stringify(s);
    return this.api === '3' ? `{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":${t}}]}]}` : t;
  }

  private fieldJson(v: MutableColumns, idx: number, f: string, opt: RenderOptions): string {
    const s = this.store;
    const F = this.frag();
    const seed = s.seed;
    const id = ID_BASE + idx;
    switch (f) {
      case 'summary': return JSON.stringify(summaryOf(seed, idx, v.rev[idx]!));
      case 'status': return F.statuses[v.status[idx]!]!;
      case 'issuetype': return F.types[v.issuetype[idx]!]!;
      case 'priority': return F.priorities[v.priority[idx]!]!;
      case 'project': return F.projects[s.project[idx]!]!;
      case 'created': return `"${this.zone.format(s.created[idx]!)}"`;
      case 'updated': return `"${this.zone.format(v.updated[idx]!)}"`;
      case 'reporter':
      case 'creator': return F.users[s.reporter[idx]!]!;
      case 'assignee': return v.assignee[idx] ? F.users[v.assignee[idx]!]! : 'null';
      case 'labels': return hash01(seed, id, 30) < 0.5 ? '[]' : F.labels[hashInt(LABELS.length, seed, id, 31)]!;
      case 'description': return hash01(seed, id, 32) < 0.1 ? 'null' : this.textJson(`Steps to reproduce for ${s.keyOf(idx)}. Expected it to work; it did not.`);
      case 'resolution': return s.isResolved(v, idx) ? F.resolution : 'null';
      case 'resolutiondate': return s.isResolved(v, idx) ? `"${this.zone.format(v.updated[idx]!)}"` : 'null';
      case 'components': return hash01(seed, id, 34) < 0.4 ? '[]' : F.components[s.project[idx]! * 3 + hashInt(3, seed, id, 33)]!;
      case 'fixVersions': return hash01(seed, id, 36) < 0.5 ? '[]' : F.versions[s.project[idx]! * s.catalog.versionsPerProject + hashInt(s.catalog.versionsPerProject, seed, id, 35)]!;
      case 'duedate': return hash01(seed, id, 37) < 0.7 ? 'null' : `"${this.zone.formatDate(s.created[idx]! + 30 * DAY)}"`;
      case 'comment': {
        const all = this.comments(idx);
        const shown = all.slice(0, opt.commentCap);
        return JSON.stringify({ comments: shown.map((c) => this.comment(idx, c)), self: `${this.base}/rest/api/${this.api}/issue/${id}/comment`, maxResults: shown.length, total: all.length, startAt: 0 });
      }
      case 'worklog': {
        const all = this.worklogs(idx);
        const shown = all.slice(0, opt.commentCap);
        return JSON.stringify({ startAt: 0, maxResults: shown.length, total: all.length, worklogs: shown.map((w) => this.worklog(idx, w)) });
      }
      case CF.storyPoints: return hash01(seed, id, 40) < 0.3 ? 'null' : String([1, 2, 3, 5, 8, 13][hashInt(6, seed, id, 41)]);
      case CF.notes: return hash01(seed, id, 42) < 0.6 ? 'null' : this.textJson(`Release note for ${s.keyOf(idx)}.`);
      case CF.team: return hash01(seed, id, 43) < 0.2 ? 'null' : F.teams[hashInt(F.teams.length, seed, id, 44)]!;
      case CF.areas: {
        if (hash01(seed, id, 45) < 0.3) return 'null';
        const a = hashInt(F.areas.length, seed, id, 46);
        return `[${F.areas[a]},${F.areas[(a + 1) % F.areas.length]}]`;
      }
      case CF.reviewer: return hash01(seed, id, 47) < 0.5 ? 'null' : F.users[1 + hashInt(F.users.length - 1, seed, id, 48)]!;
      case CF.startDate: return hash01(seed, id, 49) < 0.5 ? 'null' : `"${this.zone.formatDate(s.created[idx]! + DAY)}"`;
      case CF.dueAt: return hash01(seed, id, 50) < 0.6 ? 'null' : `"${this.zone.format(s.created[idx]! + 14 * DAY)}"`;
      case CF.tags: return hash01(seed, id, 51) < 0.5 ? 'null' : F.tags[hashInt(LABELS.length, seed, id, 52)]!;
      case CF.sprint: {
        const ids = s.sprintsOf(idx);
        if (ids.length === 0) return 'null';
        if (this.dc) return JSON.stringify(ids.map((sp) => this.sprintString(sp)));
        return `[${ids.map((sp) => F.sprints.get(sp) ?? JSON.stringify(this.sprintRef(sp))).join(',')}]`;
      }
      case 'issuelinks': return this.issueLinksJson(v, idx);
      case CF.customer: return hash01(seed, id, 53) < 0.5 ? 'null' : `"Customer ${1 + hashInt(500, seed, id, 54)}"`;
    }
    const def = this.customDefs().get(f);
    return def === undefined ? 'null' : this.customJson(def.field, idx, def.salt);
  }

  private option(o: { id: string; value: string }): Json {
    return { self: `${this.base}/rest/api/${this.api}/customFieldOption/${o.id}`, value: o.value, id: o.id };
  }

  private defs: Map<string, { field: FieldDef; salt: number }> | undefined;
  /** The custom fields rendered by their type (all but the fixed cases above), each with its own hash salt. */
  private customDefs(): Map<string, { field: FieldDef; salt: number }> {
    if (this.defs === undefined) {
      const fields = fieldsWith(this.settings?.extraCustomFields ?? 0).filter((f) => f.custom);
      this.defs = new Map(fields.map((field, i) => [field.id, { field, salt: 1000 + 8 * i }]));
    }
    return this.defs;
  }

  /** A value of the field's type; 40 % of issues leave it empty (the rank never). */
  private customJson(def: FieldDef, idx: number, salt: number): string {
    const s = this.store;
    const F = this.frag();
    const id = ID_BASE + idx;
    const pick = (n: number, k: number) => hashInt(n, s.seed, id, salt + k);
    const type = String(def.schema?.custom ?? '').replace(/^.*:/, '');
    if (type === 'gh-lexo-rank') return `"0|i${id.toString(36).padStart(6, '0')}:"`;
    if (hash01(s.seed, id, salt) < 0.4) return 'null';
    const two = (list: string[]) => {
      const a = pick(list.length, 1);
      return `[${list[a]},${list[(a + 1) % list.length]}]`;
    };
    switch (type) {
      case 'float': return String([1, 2, 3, 5, 8, 13][pick(6, 1)]);
      case 'select': return F.teams[pick(F.teams.length, 1)]!;
      case 'radiobuttons': return F.severities[pick(F.severities.length, 1)]!;
      case 'multiselect': return two(F.areas);
      case 'multicheckboxes': return two(F.platforms);
      case 'cascadingselect': return F.regions[pick(F.regions.length, 1)]!;
      case 'userpicker': return F.users[1 + pick(F.users.length - 1, 1)]!;
      case 'multiuserpicker': return two(F.users.slice(1));
      case 'datepicker': return `"${this.zone.formatDate(s.created[idx]! + (1 + pick(30, 1)) * DAY)}"`;
      case 'datetime': return `"${this.zone.format(s.created[idx]! + (1 + pick(30, 1)) * DAY + pick(86_400, 2) * 1000)}"`;
      case 'textfield':
      case 'readonlyfield': return JSON.stringify(`${def.name} ${1 + pick(500, 1)}`);
      case 'url': return `"https://example.com/tickets/${s.keyOf(idx)}"`;
      case 'textarea': return this.textJson(`${def.name} of ${s.keyOf(idx)}.`);
      case 'labels': return F.tags[pick(LABELS.length, 1)]!;
      case 'version': return F.versionOne[s.project[idx]! * 3 + pick(3, 1)]!;
      case 'multiversion': return F.versions[s.project[idx]! * 3 + pick(3, 1)]!;
      case 'grouppicker': return F.groups[pick(F.groups.length, 1)]!;
      case 'multigrouppicker': return two(F.groups);
      case 'project': return F.projects[pick(F.projects.length, 1)]!;
    }
    return 'null';
  }
}

interface Fragments {
  users: string[]; statuses: string[]; types: string[]; priorities: string[]; projects: string[]; resolution: string;
  teams: string[]; areas: string[]; sprints: Map<number, string>; components: string[]; versions: string[]; labels: string[]; tags: string[];
  versionOne: string[]; groups: string[]; severities: string[]; platforms: string[]; regions: string[];
}
