// Users, groups and group membership; and saved filters.
import { offsetArray, pageBean } from '../../jira/paging.js';
import { fail, skip } from '../../jira/status-policy.js';
import { listStream } from '../declare.js';
import type { JsonObject } from '../stream.js';

const browseUsers = { 403: fail('reading users and groups needs the Browse users and groups global permission; grant it or deselect the stream') };

export const users = listStream({
  name: 'users',
  primaryKey: ['accountId'],
  // Bare arrays with no total: only an empty page ends them. Cloud includes inactive and app users.
  cloud: { path: '/users/search', paging: offsetArray(1000) },
  datacenter: { path: '/user/search', query: { username: '.', includeInactive: 'true' }, paging: offsetArray(1000) },
  // Data Center users have no accountId: their key plays its part, so the key is the same column everywhere.
  record: (u, _p, deployment) => {
    if (u === null || typeof u !== 'object') return undefined;
    const user = u as JsonObject;
    return deployment === 'datacenter' ? { ...user, accountId: user.key ?? user.name } : user;
  },
  onStatus: browseUsers,
});

export const groups = listStream({
  name: 'groups',
  primaryKey: ['groupId'],
  cloud: { path: '/group/bulk', paging: pageBean(50) },
  onStatus: browseUsers,
});

export const groupMembers = listStream({
  name: 'group_members',
  primaryKey: ['group_id', 'accountId'],
  parent: { stream: groups, fields: { group_id: 'groupId', group_name: 'name' } },
  cloud: { path: '/group/member', query: (g: JsonObject) => ({ groupId: String(g.groupId), includeInactiveUsers: 'true' }), paging: pageBean(50) },
  onStatus: { ...browseUsers, 404: skip('the group was deleted during the run') },
});

export const filters = listStream({
  name: 'filters',
  primaryKey: ['id'],
  cloud: { path: '/filter/search', query: { expand: 'description,owner,jql,viewUrl,searchUrl,favourite,favouritedCount,sharePermissions' }, paging: pageBean(50) },
});
