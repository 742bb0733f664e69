// Workflow statuses and their categories (the status -> category map cycle time needs).
import { single } from '../../jira/paging.js';
import { everywhere, listStream } from '../declare.js';

export const workflowStatuses = listStream({
  name: 'workflow_statuses',
  primaryKey: ['id'],
  ...everywhere({ path: '/status', paging: single() }),
});

export const workflowStatusCategories = listStream({
  name: 'workflow_status_categories',
  primaryKey: ['id'],
  ...everywhere({ path: '/statuscategory', paging: single() }),
});
