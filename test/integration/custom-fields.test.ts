// Typed custom fields through the real CLIs, Cloud and Data Center, both fronts: discover types one
// column per custom field of the simulator (one of each Jira type), read fills it from the raw value
// in `fields`, and a value of the wrong shape leaves the column null (the record and `fields` intact,
// one WARN per field with its count). Then the binding at read: a column renamed in the catalog, a
// field gone, a type changed, a deselected column.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { assertValidAirbyte, assertValidSinger } from '../helpers/protocol-checks.js';
import { airbyteBin, runCli, singerBin, writeJsonFiles, type CliResult, type Message } from '../helpers/run-cli.js';

const TOKEN = 'ATATT-custom-fields-secret-71c2';
const ISSUES = 80;
type Raw = any;

/** column -> [field id, JSON Schema type, format or item type, the value Jira's raw value stands for] */
function expectations(cloud: boolean): Record<string, [string, string, string | undefined, (v: Raw) => unknown]> {
  const user = (u: Raw) => (cloud ? u.accountId : u.key);
  const names = (v: Raw[]) => v.map((x) => x.name);
  const values = (v: Raw[]) => v.map((x) => x.value);
  return {
    story_point_estimate: ['customfield_10016', 'number', undefined, (v) => v],
    release_notes: ['customfield_10030', 'string', undefined, (v) => (cloud ? v.content[0].content[0].text : v)],
    team: ['customfield_10031', 'string', undefined, (v) => v.value],
    areas: ['customfield_10032', 'array', 'string', values],
    reviewer: ['customfield_10033', 'string', undefined, user],
    start_date: ['customfield_10015', 'string', 'date', (v) => v],
    deadline: ['customfield_10034', 'string', 'date-time', (v) => new Date(v.replace(/(\d\d)(\d\d)$/, '$1:$2')).toISOString()],
    tags: ['customfield_10035', 'array', 'string', (v) => v],
    sprint: ['customfield_10020', 'array', 'integer', (v) => v.map((s: Raw) => (cloud ? s.id : Number(/\[id=(\d+),/.exec(s)![1])))],
    customer_customfield_10036: ['customfield_10036', 'string', undefined, (v) => v],
    rank: ['customfield_10019', 'string', undefined, (v) => v],
    website: ['customfield_10037', 'string', undefined, (v) => v],
    region: ['customfield_10038', 'array', 'string', (v) => [v.value, v.child.value]],
    approvers: ['customfield_10039', 'array', 'string', (v) => v.map(user)],
    target_release: ['customfield_10040', 'string', undefined, (v) => v.name],
    shipped_in: ['customfield_10041', 'array', 'string', names],
    owning_group: ['customfield_10042', 'string', undefined, (v) => v.name],
    notify_groups: ['customfield_10043', 'array', 'string', names],
    related_project: ['customfield_10044', 'string', undefined, (v) => v.key],
    severity: ['customfield_10045', 'string', undefined, (v) => v.value],
    platforms: ['customfield_10046', 'array', 'string', values],
    customer_customfield_10047: ['customfield_10047', 'string', undefined, (v) => v],
  };
}

/** A number field that gets a string, an option field that gets an array. */
const WRONG = { customfield_10016: 'five', customfield_10031: ['Platform'] };

const records = (r: CliResult, airbyte: boolean): Raw[] =>
  airbyte ? r.messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data) : r.messages.filter((m) => m.type === 'RECORD').map((m) => m.record);
const airbyteLogs = (r: CliResult, level: string): string[] => r.messages.filter((m) => m.type === 'LOG' && m.log.level === level).map((m) => m.log.message);

for (const mode of ['cloud', 'datacenter'] as const) {
  const cloud = mode === 'cloud';
  const expected = expectations(cloud);

  describe(`typed custom fields, ${mode}`, () => {
    let sim: RunningSimulator;
    let files: Record<string, string>;
    let fieldTypes: Map<string, Raw>;

    before(async () => {
      sim = await startSimulator({ issues: ISSUES, seed: 11, mode, apiToken: TOKEN, personalAccessToken: TOKEN });
      const credentials = cloud ? { auth_type: 'api_token', email: 'demo@example.com', api_token: TOKEN } : { auth_type: 'personal_access_token', personal_access_token: TOKEN };
      const config = { base_url: sim.url, credentials, start_date: '2020-01-01T00:00:00Z' };
      const wrong = { ...config, credentials: cloud ? { ...credentials, api_token: 'nope' } : { ...credentials, personal_access_token: 'nope' } };
      files = writeJsonFiles({ config, wrong });
      const auth = cloud ? `Basic ${Buffer.from(`demo@example.com:${TOKEN}`).toString('base64')}` : `Bearer ${TOKEN}`;
      const res = await fetch(`${sim.url}/rest/api/${cloud ? 3 : 2}/field`, { headers: { authorization: auth } });
      fieldTypes = new Map(((await res.json()) as Raw[]).map((f) => [f.id, f.schema]));
    });
    after(() => sim.close());

    async function run(bin: string, args: string[]): Promise<CliResult> {
      const r = await runCli(bin, args, { timeoutMs: 60_000 });
      // Singer discover prints one JSON document over several lines (Meltano's line cap); the rest is NDJSON.
      if (args.includes('--discover') && r.code === 0) JSON.parse(r.stdout);
      else assert.deepEqual(r.badLines, []);
      assert.ok(!(r.stdout + r.stderr).includes(TOKEN), 'the token never appears');
      return r;
    }

    /** Every expected column has the JSON type of its Jira type; the description names the field id and its Jira type. */
    function checkSchema(properties: Record<string, Raw>): void {
      for (const [column, [id, type, sub, _]] of Object.entries(expected)) {
        const p = properties[column];
        assert.ok(p, `discover has a column ${column}`);
        assert.deepEqual(p.type, [type, 'null'], column);
        if (type === 'array') assert.deepEqual(p.items, { type: sub }, column);
        else assert.equal(p.format, sub, column);
        assert.ok(p.description.includes(id), `${column}: the description names ${id}`);
        assert.ok(p.description.includes(String(fieldTypes.get(id).custom)), `${column}: the description names the Jira type`);
      }
      const custom = [...fieldTypes.keys()].filter((id) => id.startsWith('customfield_'));
      assert.equal(custom.length, Object.keys(expected).length, 'one column for each custom field of the site');
    }

    /** Each typed column holds what its raw value in `fields` stands for; the mismatched ones are null. */
    function checkValues(rows: Raw[], mismatched: string[], deselected: string[] = []): void {
      assert.equal(rows.length, ISSUES);
      for (const [column, [id, , , of]] of Object.entries(expected)) {
        if (deselected.includes(column)) continue;
        let filled = 0;
        for (const row of rows) {
          const raw = row.fields[id];
          if (mismatched.includes(id)) {
            assert.deepEqual(raw, (WRONG as Raw)[id], 'the wrong value stays in fields');
            assert.equal(row[column], null, `${column} is null for a value of the wrong shape`);
          } else if (raw === null || raw === undefined) {
            assert.equal(row[column], null, `${row.key} ${column}`);
          } else {
            assert.deepEqual(row[column], of(raw), `${row.key} ${column}`);
            filled++;
          }
        }
        if (!mismatched.includes(id)) assert.ok(filled > 0, `${column} has values to compare`);
      }
    }

    test('discover types a column per custom field; read fills them, a mismatched value is null with one WARN per field (Airbyte)', async () => {
      const d = await run(airbyteBin, ['discover', '--config', files.config!]);
      assert.equal(d.code, 0, d.stderr);
      const catalog = d.messages.find((m) => m.type === 'CATALOG')!.catalog;
      const issues = catalog.streams.find((s: Message) => s.name === 'issues');
      checkSchema(issues.json_schema.properties);

      sim.control.configure({ lies: { wrongFieldValues: WRONG } });
      try {
        const configured = { streams: [{ stream: issues, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
        const r = await run(airbyteBin, ['read', '--config', files.config!, '--catalog', writeJsonFiles({ c: configured }).c!]);
        assert.equal(r.code, 0, r.stderr);
        assertValidAirbyte(r.messages, { catalog });
        checkValues(records(r, true), Object.keys(WRONG));
        const warns = airbyteLogs(r, 'WARN');
        for (const id of Object.keys(WRONG)) {
          const mine = warns.filter((w) => w.includes(id));
          assert.equal(mine.length, 1, `one WARN for ${id}: ${warns.join(' | ')}`);
          assert.match(mine[0]!, new RegExp(`^issues: ${ISSUES} value\\(s\\) of field ${id} did not match its type`));
        }
        assert.equal(warns.length, Object.keys(WRONG).length, warns.join(' | '));
      } finally {
        sim.control.configure({ lies: {} });
      }
    });

    test('the same on the Singer front: SCHEMA and RECORDs carry the typed columns, a deselected one is left out', async () => {
      const d = await run(singerBin, ['--config', files.config!, '--discover']);
      assert.equal(d.code, 0, d.stderr);
      const catalog = JSON.parse(d.stdout);
      const issues = catalog.streams.find((s: Raw) => s.tap_stream_id === 'issues');
      checkSchema(issues.schema.properties);
      for (const other of catalog.streams) if (other !== issues) other.metadata.find((m: Raw) => m.breadcrumb.length === 0).metadata.selected = false;
      issues.metadata.find((m: Raw) => m.breadcrumb[1] === 'website').metadata.selected = false;

      sim.control.configure({ lies: { wrongFieldValues: WRONG } });
      try {
        const r = await run(singerBin, ['--config', files.config!, '--catalog', writeJsonFiles({ c: catalog }).c!]);
        assert.equal(r.code, 0, r.stderr);
        assertValidSinger(r.messages);
        const schema = r.messages.find((m) => m.type === 'SCHEMA' && m.stream === 'issues')!.schema;
        assert.equal(schema.properties.website, undefined, 'the deselected column is not in SCHEMA');
        const rows = records(r, false);
        assert.ok(rows.every((row) => !('website' in row)), 'nor in the records');
        checkValues(rows, Object.keys(WRONG), ['website']);
        assert.ok(Object.keys(expected).every((c) => c === 'website' || c in schema.properties));
        for (const id of Object.keys(WRONG)) assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('WARN') && l.includes(id)).length, 1, r.stderr);
      } finally {
        sim.control.configure({ lies: {} });
      }
    });

    test('discover needs working credentials and the field list: rejected credentials or /field are one clear error, no catalog', async () => {
      const a = await run(airbyteBin, ['discover', '--config', files.wrong!]);
      assert.equal(a.code, 1);
      assert.equal(a.messages.filter((m) => m.type === 'CATALOG').length, 0);
      const error = a.messages.find((m) => m.type === 'TRACE')!.trace.error;
      assert.equal(error.failure_type, 'config_error');
      const s = await run(singerBin, ['--config', files.wrong!, '--discover']);
      assert.deepEqual([s.code, s.stdout], [1, '']);
      assert.match(s.stderr, /^CRITICAL .*\n$/);
      // the field list refused: the error says what it was for
      sim.control.configure({ faults: { paths: [`/rest/api/${cloud ? 3 : 2}/field`], rateStatus: 1, status: 403 } });
      try {
        const f = await run(airbyteBin, ['discover', '--config', files.config!]);
        assert.equal(f.code, 1);
        assert.match(f.messages.find((m) => m.type === 'TRACE')!.trace.error.message, /^the issues stream types a column per custom field from the site's field list \(GET \/field\), which failed: Jira denied access \(403\)/);
      } finally {
        sim.control.configure({ faults: {} });
      }
    });
  });
}

describe('typed custom fields: the catalog decides the columns at read', () => {
  let sim: RunningSimulator;
  let files: Record<string, string>;
  let issues: Raw;

  before(async () => {
    sim = await startSimulator({ issues: 30, seed: 12, apiToken: TOKEN });
    files = writeJsonFiles({ config: { base_url: sim.url, credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: TOKEN }, start_date: '2020-01-01T00:00:00Z' } });
    const d = await runCli(airbyteBin, ['discover', '--config', files.config!]);
    issues = d.messages.find((m) => m.type === 'CATALOG')!.catalog.streams.find((s: Message) => s.name === 'issues');
  });
  after(() => sim.close());

  test('a renamed column keeps its field (bound by id); a field gone or retyped leaves its column null with a WARN; a column left out is not read', async () => {
    const { team, region, tags, ...properties } = issues.json_schema.properties;
    const schema = {
      ...issues.json_schema,
      properties: {
        ...properties,
        squad: team, // as if Jira's field "Team" was renamed "Squad" after this discover: the column keeps its name
        tags: { ...tags, type: ['number', 'null'] }, // as if the field's type changed since discover
        legacy_score: { type: ['number', 'null'], description: 'Jira field customfield_99999 (number, com.atlassian.jira.plugin.system.customfieldtypes:float) "Legacy score"; the raw value is in fields.customfield_99999' },
      },
    };
    const stream = { ...issues, json_schema: schema };
    const configured = { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
    const r = await runCli(airbyteBin, ['read', '--config', files.config!, '--catalog', writeJsonFiles({ c: configured }).c!]);
    assert.equal(r.code, 0, r.stderr);
    assertValidAirbyte(r.messages, { catalog: { streams: [stream] } });
    const rows = records(r, true);
    assert.equal(rows.length, 30);
    assert.ok(rows.some((row) => row.squad !== null));
    for (const row of rows) {
      assert.equal(row.squad, row.fields.customfield_10031?.value ?? null, 'squad holds the Team field');
      assert.ok(!('team' in row) && !('region' in row), 'columns not in the catalog are not emitted');
      assert.equal(row.tags, null);
      assert.equal(row.legacy_score, null);
    }
    const warns = airbyteLogs(r, 'WARN');
    assert.equal(warns.length, 2, warns.join(' | '));
    assert.match(warns.find((w) => w.includes('customfield_99999'))!, /column legacy_score: Jira has no custom field customfield_99999 any more.*stays null/);
    assert.match(warns.find((w) => w.includes('tags'))!, /column tags: field customfield_10035 changed type since discover.*stays null/);
    assert.match(airbyteLogs(r, 'INFO').join('\n'), /issues: 1 custom field\(s\) have no column in the catalog \(new since discover, or deselected\): customfield_10038;/);
  });
});
