// The dictionaries issues refer to: fields, types, priorities, resolutions, link types, labels, and
// the options of select-type custom fields (per field context).
import { pageBean, single } from '../../jira/paging.js';
import { fail, skip } from '../../jira/status-policy.js';
import { everywhere, listStream } from '../declare.js';
import type { JsonObject } from '../stream.js';

export const issueFields = listStream({
  name: 'issue_fields',
  primaryKey: ['id'],
  ...everywhere({ path: '/field', paging: single() }),
});

export const issueTypes = listStream({
  name: 'issue_types',
  primaryKey: ['id'],
  ...everywhere({ path: '/issuetype', paging: single() }),
});

// Cloud: the paged /priority/search and /resolution/search (the bare lists are deprecated there).
export const issuePriorities = listStream({
  name: 'issue_priorities',
  primaryKey: ['id'],
  cloud: { path: '/priority/search', paging: pageBean(50) },
  datacenter: { path: '/priority', paging: single() },
});

export const issueResolutions = listStream({
  name: 'issue_resolutions',
  primaryKey: ['id'],
  cloud: { path: '/resolution/search', paging: pageBean(50) },
  datacenter: { path: '/resolution', paging: single() },
});

export const issueLinkTypes = listStream({
  name: 'issue_link_types',
  primaryKey: ['id'],
  ...everywhere({ path: '/issueLinkType', paging: single('issueLinkTypes') }),
  onStatus: { 404: skip('issue linking is turned off on this site') },
});

export const labels = listStream({
  name: 'labels',
  primaryKey: ['label'],
  cloud: { path: '/label', paging: pageBean(1000) },
  record: (label) => (typeof label === 'string' ? { label } : undefined),
});

/** Custom field types whose values are options (Jira's `schema.custom` keys). */
const OPTION_TYPES = new Set(['select', 'multiselect', 'radiobuttons', 'multicheckboxes', 'cascadingselect'].map((t) => `com.atlassian.jira.plugin.system.customfieldtypes:${t}`));
const hasOptions = (f: JsonObject): boolean => f.custom === true && OPTION_TYPES.has(String((f.schema as JsonObject | undefined)?.custom));

// A field deleted between the field list and its contexts answers 404; contexts need an admin.
const fieldRules = {
  404: skip('the custom field was deleted during the run'),
  403: fail('reading custom field contexts and options needs the Administer Jira global permission; grant it or deselect issue_custom_field_contexts and issue_custom_field_options'),
};

export const issueCustomFieldContexts = listStream({
  name: 'issue_custom_field_contexts',
  primaryKey: ['id'],
  parent: { stream: issueFields, when: hasOptions, fields: { field_id: 'id' } },
  cloud: { path: (f: JsonObject) => `/field/${String(f.id)}/context`, paging: pageBean(50) },
  onStatus: fieldRules,
});

export const issueCustomFieldOptions = listStream({
  name: 'issue_custom_field_options',
  primaryKey: ['field_id', 'context_id', 'id'],
  parent: { stream: issueCustomFieldContexts, fields: { field_id: 'field_id', context_id: 'id' } },
  cloud: { path: (c: JsonObject) => `/field/${String(c.field_id)}/context/${String(c.id)}/option`, paging: pageBean(100) },
  onStatus: fieldRules,
});
