// The simulator's fixed metadata: projects, users, statuses, priorities, issue types, resolutions,
// fields, versions, components, boards and sprints. Small, built once from the seed.
import { hashInt } from './random.js';

export interface Project { idx: number; id: string; key: string; name: string; leadUser: number }
export interface User { accountId: string; displayName: string; emailAddress: string; active: boolean }
export interface StatusCategory { id: number; key: string; colorName: string; name: string }
export interface Status { id: string; name: string; description: string; categoryId: number }
export interface Named { id: string; name: string; description: string }
export interface IssueType extends Named { subtask: boolean; hierarchyLevel: number }
export interface Option { id: string; value: string }
export interface Sprint {
  id: number; boardId: number; projectIdx: number; name: string; state: 'closed' | 'active' | 'future';
  start: number; end: number; goal: string;
}
export interface Board { id: number; name: string; type: 'scrum' | 'kanban'; projectIdx: number }
export interface Version { id: string; projectIdx: number; name: string; released: boolean; releaseDate: number }
export interface Component { id: string; projectIdx: number; name: string; leadUser: number }
export interface Group { groupId: string; name: string; members: number[] }
export interface Filter { id: string; name: string; jql: string; ownerUser: number }
export interface FieldDef {
  id: string; name: string; custom: boolean; navigable: boolean; orderable: boolean; searchable: boolean;
  clauseNames: string[]; schema?: Record<string, unknown>;
}

export const STATUS_CATEGORIES: StatusCategory[] = [
  { id: 1, key: 'undefined', colorName: 'medium-gray', name: 'No Category' },
  { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  { id: 3, key: 'done', colorName: 'green', name: 'Done' },
];
export const STATUSES: Status[] = [
  { id: '10000', name: 'To Do', description: 'Work that has not been started.', categoryId: 2 },
  { id: '3', name: 'In Progress', description: 'The issue is currently being worked on.', categoryId: 4 },
  { id: '10001', name: 'In Review', description: 'Waiting for review.', categoryId: 4 },
  { id: '10002', name: 'Done', description: 'Work has finished.', categoryId: 3 },
];
export const DONE_STATUS = 3;
export const PRIORITIES: Named[] = ['Highest', 'High', 'Medium', 'Low', 'Lowest'].map((name, i) => ({
  id: String(i + 1), name, description: `${name} priority.`,
}));
export const ISSUE_TYPES: IssueType[] = [
  { id: '10001', name: 'Task', description: 'A small, distinct piece of work.', subtask: false, hierarchyLevel: 0 },
  { id: '10002', name: 'Bug', description: 'A problem or error.', subtask: false, hierarchyLevel: 0 },
  { id: '10003', name: 'Story', description: 'A user story.', subtask: false, hierarchyLevel: 0 },
  { id: '10000', name: 'Epic', description: 'A big user story that needs to be broken down.', subtask: false, hierarchyLevel: 1 },
];
export const RESOLUTIONS: Named[] = [
  { id: '10000', name: 'Done', description: 'Work has been completed on this issue.' },
  { id: '10001', name: "Won't Do", description: 'This issue will not be actioned.' },
  { id: '10002', name: 'Duplicate', description: 'The problem is a duplicate of an existing issue.' },
];
export const SEVERITY_OPTIONS: Option[] = ['Minor', 'Major', 'Critical'].map((value, i) => ({ id: String(10500 + i), value }));
export const PLATFORM_OPTIONS: Option[] = ['Linux', 'macOS', 'Windows'].map((value, i) => ({ id: String(10600 + i), value }));
/** Cascading select: parents and their children. */
export const REGION_OPTIONS: Array<Option & { children: Option[] }> = [
  { id: '10700', value: 'Europe', children: [{ id: '10710', value: 'North' }, { id: '10711', value: 'South' }] },
  { id: '10701', value: 'Americas', children: [{ id: '10720', value: 'East' }, { id: '10721', value: 'West' }] },
];
export const TEAM_OPTIONS: Option[] = ['Platform', 'Web', 'Mobile', 'Data'].map((value, i) => ({ id: String(10100 + i), value }));
export const AREA_OPTIONS: Option[] = ['Backend', 'Frontend', 'Infra', 'Docs', 'Security'].map((value, i) => ({ id: String(10200 + i), value }));
export const LINK_TYPES = [
  { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
  { id: '10001', name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
  { id: '10002', name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
  { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
];
export const PROJECT_CATEGORIES: Named[] = [
  { id: '10000', name: 'Product', description: 'Customer-facing products.' },
  { id: '10001', name: 'Internal', description: 'Internal tools and services.' },
];
export const LABELS = ['backend', 'frontend', 'urgent', 'tech-debt', 'customer', 'regression', 'perf', 'ux'];

const PROJECT_KEYS = ['WEB', 'OPS', 'DATA', 'APP', 'CORE', 'MOB', 'SEC', 'INFRA', 'API', 'BI', 'QA', 'UX'];
const PROJECT_NAMES = ['Website', 'Operations', 'Data Platform', 'Mobile App', 'Core Services', 'Mobile Web', 'Security',
  'Infrastructure', 'Public API', 'Business Intelligence', 'Quality', 'User Experience'];
const FIRST = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Frances', 'Edsger', 'Radia', 'Niklaus', 'Anita'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Liskov', 'Thompson', 'Hamilton', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman', 'Wirth', 'Borg'];

/** Custom field ids, one per common type. */
export const CF = {
  storyPoints: 'customfield_10016',
  notes: 'customfield_10030',
  team: 'customfield_10031',
  areas: 'customfield_10032',
  reviewer: 'customfield_10033',
  startDate: 'customfield_10015',
  dueAt: 'customfield_10034',
  tags: 'customfield_10035',
  sprint: 'customfield_10020',
  customer: 'customfield_10036',
  // One more of each Jira type a typed column is made for (test/integration/custom-fields.test.ts).
  rank: 'customfield_10019',
  website: 'customfield_10037',
  region: 'customfield_10038',
  approvers: 'customfield_10039',
  targetRelease: 'customfield_10040',
  shippedIn: 'customfield_10041',
  owningGroup: 'customfield_10042',
  notifyGroups: 'customfield_10043',
  relatedProject: 'customfield_10044',
  severity: 'customfield_10045',
  platforms: 'customfield_10046',
  /** named like `customer`: two fields with one name */
  customerRef: 'customfield_10047',
} as const;

function sys(id: string, name: string, type: string, navigable = true, items?: string): FieldDef {
  const schema: Record<string, unknown> = { type, system: id };
  if (items) schema.items = items;
  return { id, name, custom: false, navigable, orderable: true, searchable: true, clauseNames: [id], schema };
}
/** `customType`: a full plugin key, or the suffix of one of Jira's own (com.atlassian.jira.plugin.system.customfieldtypes:…). */
function custom(id: string, name: string, type: string, customType: string, items?: string): FieldDef {
  const n = Number(id.slice('customfield_'.length));
  const key = customType.includes(':') ? customType : `com.atlassian.jira.plugin.system.customfieldtypes:${customType}`;
  const schema: Record<string, unknown> = { type, custom: key, customId: n };
  if (items) schema.items = items;
  return { id, name, custom: true, navigable: true, orderable: true, searchable: true, clauseNames: [`cf[${n}]`, name], schema };
}

export const FIELDS: FieldDef[] = [
  { id: 'issuekey', name: 'Key', custom: false, navigable: true, orderable: false, searchable: false, clauseNames: ['id', 'issue', 'issuekey', 'key'] },
  sys('summary', 'Summary', 'string'),
  sys('status', 'Status', 'status'),
  sys('issuetype', 'Issue Type', 'issuetype'),
  sys('priority', 'Priority', 'priority'),
  sys('project', 'Project', 'project'),
  sys('created', 'Created', 'datetime'),
  sys('updated', 'Updated', 'datetime'),
  sys('reporter', 'Reporter', 'user'),
  sys('assignee', 'Assignee', 'user'),
  sys('creator', 'Creator', 'user'),
  sys('labels', 'Labels', 'array', true, 'string'),
  sys('description', 'Description', 'string'),
  sys('resolution', 'Resolution', 'resolution'),
  sys('resolutiondate', 'Resolved', 'datetime'),
  sys('components', 'Components', 'array', true, 'component'),
  sys('fixVersions', 'Fix versions', 'array', true, 'version'),
  sys('duedate', 'Due date', 'date'),
  sys('issuelinks', 'Linked Issues', 'array', true, 'issuelinks'),
  sys('comment', 'Comment', 'comments-page', false),
  sys('worklog', 'Log Work', 'array', false, 'worklog'),
  custom(CF.storyPoints, 'Story point estimate', 'number', 'float'),
  custom(CF.notes, 'Release notes', 'string', 'textarea'),
  custom(CF.team, 'Team', 'option', 'select'),
  custom(CF.areas, 'Areas', 'array', 'multiselect', 'option'),
  custom(CF.reviewer, 'Reviewer', 'user', 'userpicker'),
  custom(CF.startDate, 'Start date', 'date', 'datepicker'),
  custom(CF.dueAt, 'Deadline', 'datetime', 'datetime'),
  custom(CF.tags, 'Tags', 'array', 'labels', 'string'),
  custom(CF.sprint, 'Sprint', 'array', 'com.pyxis.greenhopper.jira:gh-sprint', 'json'),
  custom(CF.customer, 'Customer', 'string', 'textfield'),
  custom(CF.rank, 'Rank', 'any', 'com.pyxis.greenhopper.jira:gh-lexo-rank'),
  custom(CF.website, 'Website', 'string', 'url'),
  custom(CF.region, 'Region', 'option-with-child', 'cascadingselect'),
  custom(CF.approvers, 'Approvers', 'array', 'multiuserpicker', 'user'),
  custom(CF.targetRelease, 'Target release', 'version', 'version'),
  custom(CF.shippedIn, 'Shipped in', 'array', 'multiversion', 'version'),
  custom(CF.owningGroup, 'Owning group', 'group', 'grouppicker'),
  custom(CF.notifyGroups, 'Notify groups', 'array', 'multigrouppicker', 'group'),
  custom(CF.relatedProject, 'Related project', 'project', 'project'),
  custom(CF.severity, 'Severity', 'option', 'radiobuttons'),
  custom(CF.platforms, 'Platforms', 'array', 'multicheckboxes', 'option'),
  custom(CF.customerRef, 'Customer', 'string', 'readonlyfield'),
];

/** What the seeded extra custom fields (extraCustomFields) are, in turn: [type, custom type, items]. */
const EXTRA_KINDS: Array<[string, string, string?]> = [
  ['number', 'float'], ['option', 'select'], ['user', 'userpicker'], ['date', 'datepicker'], ['datetime', 'datetime'],
  ['string', 'textfield'], ['array', 'multiselect', 'option'], ['array', 'labels', 'string'], ['string', 'textarea'], ['array', 'multiuserpicker', 'user'],
];
export const EXTRA_FIELD_BASE = 30000;

const fieldLists = new Map<number, FieldDef[]>();
/** FIELDS plus `extra` seeded custom fields (customfield_30000…), cycling through EXTRA_KINDS. */
export function fieldsWith(extra: number): FieldDef[] {
  let list = fieldLists.get(extra);
  if (list === undefined) {
    list = [...FIELDS];
    for (let i = 0; i < extra; i++) {
      const [type, customType, items] = EXTRA_KINDS[i % EXTRA_KINDS.length]!;
      list.push(custom(`customfield_${EXTRA_FIELD_BASE + i}`, `Extra ${customType} ${i + 1}`, type, customType, items));
    }
    fieldLists.set(extra, list);
  }
  return list;
}
export const NAVIGABLE_FIELDS = FIELDS.filter((f) => f.navigable && f.id !== 'issuekey').map((f) => f.id);
export const ALL_FIELDS = FIELDS.filter((f) => f.id !== 'issuekey').map((f) => f.id);

export interface Catalog {
  projects: Project[];
  /** Project indexes in key order (Jira's key order compares project keys first). */
  projectRank: Uint8Array;
  users: User[];
  boards: Board[];
  sprints: Sprint[];
  versions: Version[];
  components: Component[];
  groups: Group[];
  filters: Filter[];
  /** versions of project p are versions[p * versionsPerProject …] */
  versionsPerProject: number;
}

const DAY = 86_400_000;

/** How big the generated site is (the simulator's `users`, `boards`, `sprints`, `versionsPerProject` settings). */
export interface CatalogSize {
  projects: number;
  users: number;
  /** 0: one scrum board per project and one kanban board; n: n − 1 scrum boards over the projects and one kanban board */
  boards: number;
  /** sprints in all, spread over the scrum boards in turn; 0: nine per scrum board */
  sprints: number;
  versionsPerProject: number;
}

/** Projects beyond the named ones get generated keys (P13, P14, …); ranks are kept in a byte. */
export const MAX_PROJECTS = 200;

/** `sized`: a project count (the other sizes at their defaults) or the sizes. */
export function buildCatalog(seed: number, sized: number | Partial<CatalogSize>, now: number, email: string): Catalog {
  const size: CatalogSize = { projects: 4, users: 40, boards: 0, sprints: 0, versionsPerProject: 3, ...(typeof sized === 'number' ? { projects: sized } : sized) };
  const n = Math.max(1, Math.min(size.projects, MAX_PROJECTS));
  const users: User[] = [{ accountId: '712020:00000000-demo-4000-8000-000000000001', displayName: 'Demo User', emailAddress: email, active: true }];
  for (let i = 1; i < Math.max(2, size.users); i++) {
    const first = FIRST[hashInt(FIRST.length, seed, i, 1)]!;
    const last = LAST[hashInt(LAST.length, seed, i, 2)]!;
    const hex = (hashInt(0xffffff, seed, i, 3) + 0x1000000).toString(16).slice(1);
    users.push({
      accountId: `712020:${hex}${String(i).padStart(2, '0')}-a1b2-4c3d-8e9f-0000000${String(1000 + i)}`,
      displayName: `${first} ${last}`,
      emailAddress: `${first}.${last}${i}@example.com`.toLowerCase(),
      active: i % 13 !== 0,
    });
  }
  const projects: Project[] = [];
  for (let p = 0; p < n; p++) {
    projects.push({ idx: p, id: String(10000 + p), key: PROJECT_KEYS[p] ?? `P${p + 1}`, name: PROJECT_NAMES[p] ?? `Project ${p + 1}`, leadUser: 1 + hashInt(users.length - 1, seed, p, 4) });
  }
  const order = projects.map((p) => p.idx).sort((a, b) => (projects[a]!.key < projects[b]!.key ? -1 : 1));
  const projectRank = new Uint8Array(n);
  order.forEach((pIdx, rank) => (projectRank[pIdx] = rank));

  const scrumBoards = size.boards > 0 ? Math.max(0, size.boards - 1) : n;
  const boards: Board[] = [];
  for (let i = 0; i < scrumBoards; i++) {
    const p = projects[i % n]!;
    boards.push({ id: i + 1, name: i < n ? `${p.key} board` : `${p.key} board ${1 + Math.floor(i / n)}`, type: 'scrum', projectIdx: p.idx });
  }
  boards.push({ id: scrumBoards + 1, name: `${projects[0]!.key} kanban`, type: 'kanban', projectIdx: 0 });
  // Two-week sprints ending with one active and one future sprint per scrum board.
  const totalSprints = size.sprints > 0 ? size.sprints : 9 * scrumBoards;
  const perBoard = boards.filter((b) => b.type === 'scrum').map((b, i) => ({ b, k: Math.floor(totalSprints / scrumBoards) + (i < totalSprints % scrumBoards ? 1 : 0) }));
  const sprints: Sprint[] = [];
  let sprintId = 1;
  for (const { b, k } of perBoard) {
    for (let s = 0; s < k; s++) {
      const start = now - (k - 1 - s) * 14 * DAY - 14 * DAY + DAY;
      const end = start + 14 * DAY;
      const state = s < k - 2 ? 'closed' : s === k - 2 ? 'active' : 'future';
      sprints.push({ id: sprintId++, boardId: b.id, projectIdx: b.projectIdx, name: `${projects[b.projectIdx]!.key} Sprint ${s + 1}`, state, start, end, goal: s % 2 ? 'Ship it' : '' });
    }
  }
  const versions: Version[] = [];
  const components: Component[] = [];
  const vPer = Math.max(1, size.versionsPerProject);
  projects.forEach((p) => {
    for (let v = 0; v < vPer; v++) {
      versions.push({ id: String(10000 + p.idx * Math.max(10, vPer) + v), projectIdx: p.idx, name: `${p.key} 1.${v}`, released: v < vPer - 1, releaseDate: now - (vPer - 1 - v) * 60 * DAY });
    }
    ['API', 'UI', 'Storage'].forEach((name, c) => {
      components.push({ id: String(10000 + p.idx * 10 + c), projectIdx: p.idx, name, leadUser: 1 + ((p.idx + c) % (users.length - 1)) });
    });
  });
  // Everyone is in jira-software-users; the others hold every 2nd, 3rd and 5th user.
  const groups: Group[] = ['jira-software-users', 'developers', 'site-admins', 'product-owners'].map((name, g) => ({
    groupId: `${(hashInt(0xffffff, seed, g, 5) + 0x1000000).toString(16).slice(1)}-0000-4000-8000-00000000000${g}`,
    name,
    members: users.map((_u, i) => i).filter((i) => g === 0 || i % [1, 2, 3, 5][g]! === 0),
  }));
  const filters: Filter[] = projects.map((p, f) => ({ id: String(10000 + f), name: `${p.key} open work`, jql: `project = ${p.key} AND resolution IS EMPTY`, ownerUser: p.leadUser }));
  return { projects, projectRank, users, boards, sprints, versions, components, groups, filters, versionsPerProject: vPer };
}
