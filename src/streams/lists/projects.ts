// Projects and what hangs off each project: versions, components; and the project categories.
import { pageBean, single } from '../../jira/paging.js';
import { skip } from '../../jira/status-policy.js';
import { everywhere, listStream } from '../declare.js';
import type { JsonObject, StreamContext } from '../stream.js';

/** The config's `projects` (keys) limit every project-scoped stream; Jira's list endpoints cannot filter by them all. */
export const inConfiguredProjects = (key: unknown, ctx: StreamContext): boolean =>
  ctx.config.projects === undefined || ctx.config.projects.length === 0 || ctx.config.projects.includes(String(key));

const EXPAND = 'description,lead,url,projectKeys';

export const projects = listStream({
  name: 'projects',
  primaryKey: ['id'],
  cloud: { path: '/project/search', query: { expand: `${EXPAND},insight` }, paging: pageBean(100) },
  datacenter: { path: '/project', query: { expand: EXPAND }, paging: single() },
  keep: (p, ctx) => inConfiguredProjects(p.key, ctx),
});

// A project deleted (or hidden) between the project list and its children answers 404.
const projectGone = { 404: skip('the project was deleted or hidden during the run') };

export const projectVersions = listStream({
  name: 'project_versions',
  primaryKey: ['id'],
  parent: { stream: projects, fields: { project_key: 'key' } },
  cloud: { path: (p: JsonObject) => `/project/${String(p.id)}/version`, paging: pageBean(50) },
  datacenter: { path: (p: JsonObject) => `/project/${String(p.key)}/versions`, paging: single() },
  onStatus: projectGone,
});

export const projectComponents = listStream({
  name: 'project_components',
  primaryKey: ['id'],
  parent: { stream: projects, fields: { project_key: 'key' } },
  cloud: { path: (p: JsonObject) => `/project/${String(p.id)}/component`, paging: pageBean(50) },
  datacenter: { path: (p: JsonObject) => `/project/${String(p.key)}/components`, paging: single() },
  onStatus: projectGone,
});

export const projectCategories = listStream({
  name: 'project_categories',
  primaryKey: ['id'],
  ...everywhere({ path: '/projectCategory', paging: single() }),
});
