// Jira Software: boards, their sprints and their columns (agile API, pages capped at 50 on Cloud).
import { agilePages, single } from '../../jira/paging.js';
import { fail, skip } from '../../jira/status-policy.js';
import { everywhere, listStream } from '../declare.js';
import type { JsonObject } from '../stream.js';
import { inConfiguredProjects } from './projects.js';

const boardGone = { 404: skip('the board was deleted or hidden during the run') };

export const boards = listStream({
  name: 'boards',
  primaryKey: ['id'],
  ...everywhere({ api: 'agile', path: '/board', paging: agilePages() }),
  keep: (b, ctx) => inConfiguredProjects((b.location as JsonObject | undefined)?.projectKey, ctx),
  onStatus: {
    403: fail('the agile API needs Jira Software on the site and the Browse projects permission; deselect the boards, sprints and board_columns streams otherwise'),
    404: fail('this site has no agile API (Jira Software is not installed); deselect the boards, sprints and board_columns streams'),
  },
});

export const sprints = listStream({
  name: 'sprints',
  primaryKey: ['id'],
  parent: { stream: boards, fields: { board_id: 'id' } },
  ...everywhere({ api: 'agile', path: (b: JsonObject) => `/board/${String(b.id)}/sprint`, paging: agilePages() }),
  // Kanban boards have no sprints: Jira answers their sprint list with 400.
  onStatus: { ...boardGone, 400: skip('the board has no sprints (a kanban board)') },
  // A sprint shared by boards is emitted once, under the first board that lists it.
  dedupe: true,
});

export const boardColumns = listStream({
  name: 'board_columns',
  primaryKey: ['board_id', 'position'],
  parent: { stream: boards, fields: { board_id: 'id' } },
  ...everywhere({ api: 'agile', path: (b: JsonObject) => `/board/${String(b.id)}/configuration`, paging: single('columnConfig.columns') }),
  record: (column, _board, _d, position) => {
    if (column === null || typeof column !== 'object') return undefined;
    const c = column as JsonObject;
    const statuses = Array.isArray(c.statuses) ? c.statuses.map((s) => String((s as JsonObject).id)) : [];
    return { position, name: c.name ?? null, status_ids: statuses, min: c.min ?? null, max: c.max ?? null };
  },
  onStatus: boardGone,
});
