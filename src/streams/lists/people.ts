// Users, groups and group membership; and saved filters.
import { offsetArray, pageBean, tokenPages } from '../../jira/paging.js';
import { fail, skip } from '../../jira/status-policy.js';
import { listStream } from '../declare.js';
import type { JsonObject } from '../stream.js';

const browseUsers = { 403: fail('reading users and groups needs the Browse users and groups global permission; grant it or deselect the stream') };

export const users = listStream({
  name: 'users',
  primaryKey: ['accountId'],
  // Bare arrays with no total: only an empty page ends them. Cloud includes inactive and app users.
  cloud: { path: '/users/search', paging: offsetArray(1000) },
  // Data Center 10.3+ lists every user with cursor pages; older releases only have the user search, which
  // Data Center 10.0-10.2 stops at 100 users whatever the paging (JRASERVER-78660): pages of 100 read
  // everything Jira 9 has and all those 100, and reaching 100 is a WARN instead of a silent cut.
  datacenter: {
    path: '/user/list',
    paging: tokenPages(1000, 'values', 'cursor', 'nextCursor'),
    fallback: {
      path: '/user/search',
      query: { username: '.', includeInactive: 'true' },
      paging: offsetArray(100),
      stopsAt: {
        items: 100,
        why: 'Data Center 10.0-10.2 stops its user search at 100 users (JRASERVER-78660) and has no /user/list; users past the first 100 may be missing. Upgrade to Jira 10.3 or later, which lists every user',
      },
    },
  },
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
