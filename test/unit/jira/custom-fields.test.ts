// Column names for people, unique and stable; the binding of a catalog's columns at read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindColumns, columnPlan, MAX_COLUMN, snakeCase } from '../../../src/jira/custom-fields.js';

const T = 'com.atlassian.jira.plugin.system.customfieldtypes:';
const field = (id: string, name: string, type = 'number', custom = `${T}float`, items?: string) => ({
  id,
  name,
  custom: id.startsWith('customfield_'),
  schema: { type, custom, ...(items ? { items } : {}) },
});
const BASE = ['id', 'key', 'status', 'labels', 'fields'];

test('snake_case of the field name: ASCII words, accents dropped, a leading digit prefixed, other scripts empty', () => {
  assert.equal(snakeCase('Story point estimate'), 'story_point_estimate');
  assert.equal(snakeCase('  Épic  Name (old) '), 'epic_name_old');
  assert.equal(snakeCase('% done'), 'done');
  assert.equal(snakeCase('3rd-party ID'), 'cf_3rd_party_id');
  assert.equal(snakeCase('チーム'), '');
});

test('column plan: one column per typed custom field; colliding names and base columns get the field id; system and untyped fields get none', () => {
  const plan = columnPlan(
    [
      field('summary', 'Summary', 'string', ''),
      field('customfield_1', 'Story Points'),
      field('customfield_2', 'Customer', 'string', `${T}textfield`),
      field('customfield_3', 'customer', 'string', `${T}readonlyfield`),
      field('customfield_4', 'Status', 'option', `${T}select`),
      field('customfield_5', 'チーム', 'option', `${T}select`),
      field('customfield_6', 'Tempo account', 'any', 'com.tempo:account'),
      field('customfield_7', 'Sprint', 'array', 'com.pyxis.greenhopper.jira:gh-sprint', 'json'),
      field('customfield_8', 'x'.repeat(100)),
    ],
    BASE,
  );
  assert.deepEqual(
    plan.map((c) => [c.column, c.fieldId, c.kind]),
    [
      ['story_points', 'customfield_1', 'number'],
      ['customer_customfield_2', 'customfield_2', 'string'],
      ['customer_customfield_3', 'customfield_3', 'string'],
      ['status_customfield_4', 'customfield_4', 'option'],
      ['customfield_5', 'customfield_5', 'option'],
      ['sprint', 'customfield_7', 'sprints'],
      ['x'.repeat(MAX_COLUMN), 'customfield_8', 'number'],
    ],
  );
  const sp = plan[0]!.schema;
  assert.deepEqual(sp.type, ['number', 'null']);
  assert.equal(sp.description, `Jira field customfield_1 (number, ${T}float) "Story Points"; the raw value is in fields.customfield_1`);
  assert.deepEqual(plan[5]!.schema.items, { type: 'integer' });
  // the same fields in another order: the same names
  const again = columnPlan([field('customfield_3', 'customer', 'string', `${T}readonlyfield`), field('customfield_2', 'Customer', 'string', `${T}textfield`)], BASE);
  assert.deepEqual(again.map((c) => c.column).sort(), ['customer_customfield_2', 'customer_customfield_3']);
});

test('binding at read: by the id in the description (a renamed field keeps its column), else by name; gone or retyped fields stay null with a WARN; unlisted fields noted once', () => {
  const discovered = columnPlan([field('customfield_1', 'Story Points'), field('customfield_2', 'Team', 'option', `${T}select`), field('customfield_3', 'Due', 'date', `${T}datepicker`)], BASE);
  const catalog = Object.fromEntries([['id', { type: 'string' }], ...discovered.map((c) => [c.column, c.schema])]);
  // since discover: Story Points renamed Estimate, Team deleted, Due now a datetime, Area added
  const now = columnPlan(
    [field('customfield_1', 'Estimate'), field('customfield_3', 'Due', 'datetime', `${T}datetime`), field('customfield_9', 'Area', 'option', `${T}select`)],
    BASE,
  );
  const { columns, notes } = bindColumns(catalog, now, BASE);
  assert.deepEqual(
    columns.map((c) => [c.column, c.fieldId, c.kind]),
    [
      ['story_points', 'customfield_1', 'number'],
      ['team', 'customfield_2', undefined],
      ['due', 'customfield_3', undefined],
    ],
  );
  assert.deepEqual(
    notes.map((n) => n.level),
    ['WARN', 'WARN', 'INFO'],
  );
  assert.match(notes[0]!.message, /^column team: Jira has no custom field customfield_2 any more/);
  assert.match(notes[1]!.message, /^column due: field customfield_3 changed type since discover/);
  assert.match(notes[2]!.message, /^1 custom field\(s\) have no column in the catalog .*: customfield_9;/);

  // a hand-written catalog without descriptions binds by name; properties nobody knows are left alone
  const byName = bindColumns({ estimate: { type: ['number', 'null'] }, mine: { type: 'string' } }, now, BASE);
  assert.deepEqual(byName.columns.map((c) => [c.column, c.fieldId]), [['estimate', 'customfield_1']]);
  // a host that reorders a schema's keys or its type list changes nothing
  const reordered = { story_points: { description: discovered[0]!.schema.description, type: ['null', 'number'] } };
  const same = bindColumns(reordered, now, BASE);
  assert.deepEqual([same.columns[0]!.kind, same.notes.filter((n) => n.level === 'WARN')], ['number', []]);
  // no catalog: every column of the site
  assert.equal(bindColumns(undefined, now, BASE).columns, now);
});
