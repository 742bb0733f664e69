// Issue 4, checks 5 and 6 (Airbyte side): what Airbyte's connector acceptance tests check, reproduced
// without Docker by running bin/source-jira.js against the simulator. Every message of every run here
// validates against the Airbyte protocol schema, and every RECORD against the discovered json_schema.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { requireConnector, simConfig, startSim } from '../helpers/e2e-env.js';
import { airbyteBin, runCli, writeJsonFiles, type CliResult, type Message } from '../helpers/run-cli.js';
import { assertValidAirbyte, newAjv } from '../helpers/protocol-checks.js';

const SECRET_NAMES = /^(token|access_token|api_token|secret|client_secret|password|key|credentials|refresh_token|jwt|certificate|app_id|personal_access_token)$/;
const FORBIDDEN_KEYWORDS = ['not', 'anyOf', 'patternProperties', 'prefixItems', 'allOf', 'if', 'then', 'else', 'dependentSchemas', 'dependentRequired', '$ref'];

/** Walks every sub-schema of a JSON Schema with its path. */
function walkSchema(schema: any, visit: (s: any, path: string) => void, path = '#'): void {
  if (!schema || typeof schema !== 'object') return;
  visit(schema, path);
  for (const [k, v] of Object.entries(schema.properties ?? {})) walkSchema(v, visit, `${path}/properties/${k}`);
  if (schema.items && !Array.isArray(schema.items)) walkSchema(schema.items, visit, `${path}/items`);
  for (const key of ['oneOf', 'anyOf', 'allOf']) (schema[key] ?? []).forEach((v: any, i: number) => walkSchema(v, visit, `${path}/${key}/${i}`));
}

function ofType(r: CliResult, type: string): Message[] {
  return r.messages.filter((m) => m.type === type);
}

function errorTraces(r: CliResult): Message[] {
  return r.messages.filter((m) => m.type === 'TRACE' && m.trace?.type === 'ERROR');
}

/** Replaces every date-time string with 2099 and every epoch-ms-looking number with 2099's, recursively. */
function farFuture(v: unknown): unknown {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return '2099-01-01T00:00:00.000Z';
  if (typeof v === 'number' && v > 1e12 && v < 1e14) return Date.UTC(2099, 0, 1);
  if (Array.isArray(v)) return v.map(farFuture);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, farFuture(x)]));
  return v;
}

describe('Airbyte acceptance checks (CAT) without Docker', () => {
  let sim: RunningSimulator;
  let files: Record<string, string>;
  let catalog: { streams: any[] };
  const runs: CliResult[] = []; // every run, validated at the end too

  async function airbyte(args: string[], opts: { validateWith?: { streams: any[] } } = {}): Promise<CliResult> {
    const r = await runCli(airbyteBin, args, { timeoutMs: 120_000 });
    runs.push(r);
    assert.deepEqual(r.badLines, [], `stdout lines that are not JSON objects (${args[0]})`);
    assertValidAirbyte(r.messages, opts.validateWith ? { catalog: opts.validateWith } : {});
    assert.doesNotMatch(r.stdout + r.stderr, /demo-token|wrong-token-123/, 'a token appeared in the output');
    return r;
  }

  function configured(syncMode: 'full_refresh' | 'incremental'): { streams: any[] } {
    // As the acceptance tests do: incremental reads configure only the streams that support it.
    return {
      streams: catalog.streams.filter((s) => syncMode === 'full_refresh' || s.supported_sync_modes.includes('incremental')).map((s) => ({
        stream: s,
        sync_mode: syncMode,
        destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite',
        ...(syncMode === 'incremental' ? { cursor_field: s.default_cursor_field } : {}),
        primary_key: s.source_defined_primary_key,
      })),
    };
  }

  function readRecords(r: CliResult): Array<Record<string, any>> {
    return ofType(r, 'RECORD').map((m) => m.record);
  }

  before(async () => {
    requireConnector();
    // A quiet server whose history ended an hour ago: incremental re-reads must find nothing new.
    sim = await startSim({ seed: 31, issues: 300, now: Date.now() - 3600_000 });
    files = writeJsonFiles({
      config: simConfig(sim.url, { page_size: 100 }),
      bad: simConfig(sim.url, { credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'wrong-token-123' } }),
    });
    const d = await runCli(airbyteBin, ['discover', '--config', files.config!]);
    const cat = d.messages.find((m) => m.type === 'CATALOG');
    assert.ok(cat, `discover printed no CATALOG: ${d.stderr.slice(-1000)}`);
    catalog = cat.catalog;
  });
  after(async () => {
    await sim?.close();
  });

  test('spec: one valid ConnectorSpecification; secrets marked; oneOf with a const discriminator; the sample config validates', async () => {
    const r = await airbyte(['spec']);
    assert.equal(r.code, 0);
    const specs = ofType(r, 'SPEC');
    assert.equal(specs.length, 1, 'exactly one SPEC message');
    const cs = specs[0]!.spec.connectionSpecification;
    const ajv = newAjv();
    const validate = ajv.compile(cs);
    assert.ok(validate(simConfig('http://127.0.0.1:1')), `the sample config does not validate: ${ajv.errorsText(validate.errors)}`);
    const problems: string[] = [];
    walkSchema(cs, (s, path) => {
      for (const k of FORBIDDEN_KEYWORDS) if (k in s) problems.push(`${path}: forbidden keyword ${k}`);
      if ('additionalProperties' in s && s.additionalProperties !== true) problems.push(`${path}: additionalProperties must be true if present`);
      if (Array.isArray(s.type) && !(s.type.length === 2 && s.type.includes('null'))) problems.push(`${path}: type array ${JSON.stringify(s.type)}`);
      if (Array.isArray(s.enum) && new Set(s.enum.map(String)).size !== s.enum.length) problems.push(`${path}: duplicate enum values`);
      const name = path.split('/').pop()!;
      const secretType = s.type === 'string' || s.type === 'number' || s.type === 'integer';
      if (SECRET_NAMES.test(name) && secretType && s.airbyte_secret !== true) problems.push(`${path}: looks secret but lacks airbyte_secret`);
      if (s.oneOf) {
        if (s.type !== 'object') problems.push(`${path}: oneOf parent must be type object`);
        const variants: any[] = s.oneOf;
        if (!variants.every((v) => v.properties)) problems.push(`${path}: every oneOf variant needs properties`);
        const common = Object.keys(variants[0]?.properties ?? {}).filter((k) => variants.every((v) => v.properties?.[k]?.const !== undefined));
        if (common.length !== 1) problems.push(`${path}: oneOf needs exactly one discriminator property with const in every variant (found ${common.join(',') || 'none'})`);
      }
    });
    assert.deepEqual(problems, []);
  });

  test('check: SUCCEEDED with good credentials, FAILED with a wrong token', async () => {
    const good = await airbyte(['check', '--config', files.config!]);
    assert.equal(good.code, 0);
    assert.deepEqual(ofType(good, 'CONNECTION_STATUS').map((m) => m.connectionStatus.status), ['SUCCEEDED']);
    const bad = await airbyte(['check', '--config', files.bad!]);
    assert.equal(bad.code, 0, 'a failed check is an answer, not a crash (exit 0)');
    const statuses = ofType(bad, 'CONNECTION_STATUS');
    assert.deepEqual(statuses.map((m) => m.connectionStatus.status), ['FAILED']);
    assert.ok(statuses[0]!.connectionStatus.message, 'a FAILED status carries a message');
  });

  test('discover: one catalog, unique stream names, valid schemas, keys and cursors declared', async () => {
    const r = await airbyte(['discover', '--config', files.config!]);
    assert.equal(r.code, 0);
    const cats = ofType(r, 'CATALOG');
    assert.equal(cats.length, 1, 'exactly one CATALOG message');
    const streams: any[] = cats[0]!.catalog.streams;
    assert.ok(streams.length >= 1);
    assert.equal(new Set(streams.map((s) => s.name)).size, streams.length, 'stream names are unique');
    for (const s of streams) {
      newAjv().compile(s.json_schema); // throws if invalid
      const problems: string[] = [];
      walkSchema(s.json_schema, (x, path) => {
        for (const k of ['$ref', 'allOf', 'not']) if (k in x) problems.push(`${s.name} ${path}: ${k}`);
        if ('additionalProperties' in x && x.additionalProperties !== true) problems.push(`${s.name} ${path}: additionalProperties must be true if present`);
      });
      assert.deepEqual(problems, []);
      assert.ok(s.supported_sync_modes.length >= 1);
      for (const pk of s.source_defined_primary_key ?? []) {
        const prop = s.json_schema.properties?.[pk[0]];
        assert.ok(prop, `${s.name}: primary key ${pk} not under properties`);
        const types = [prop.type].flat();
        assert.ok(!types.includes('object') && !types.includes('array'), `${s.name}: primary key ${pk} is ${types}`);
      }
      if (s.default_cursor_field) assert.ok(s.json_schema.properties?.[s.default_cursor_field[0]], `${s.name}: cursor not under properties`);
    }
    const issues = streams.find((s) => s.name === 'issues');
    assert.ok(issues, 'the issues stream is offered');
    assert.deepEqual(issues.source_defined_primary_key, [['id']]);
    assert.deepEqual(issues.default_cursor_field, ['updated']);
    assert.ok(issues.supported_sync_modes.includes('incremental'));
  });

  test('basic read: records valid against json_schema, keys non-null, per-stream STATE with sourceStats, stream statuses in order', async () => {
    const { catalog: k } = writeJsonFiles({ catalog: configured('full_refresh') });
    const r = await airbyte(['read', '--config', files.config!, '--catalog', k!], { validateWith: catalog });
    assert.equal(r.code, 0, r.stderr.slice(-1000));
    const records = readRecords(r);
    assert.equal(records.filter((rec) => rec.stream === 'issues').length, sim.control.truth().length, 'one record per issue on a quiet server');
    const keys = new Map<string, string[][]>(catalog.streams.map((s) => [s.name, s.source_defined_primary_key]));
    for (const rec of records) {
      for (const [k] of keys.get(rec.stream)!) assert.ok(rec.data[k!] !== undefined && rec.data[k!] !== null, `${rec.stream}: primary key ${k} present`);
    }
    const states = ofType(r, 'STATE');
    assert.ok(states.length >= catalog.streams.length, 'at least one STATE per stream');
    for (const s of states) assert.ok(s.state.sourceStats, 'STATE carries sourceStats');
    const statuses = r.messages
      .filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.stream_descriptor.name === 'issues')
      .map((m) => m.trace.stream_status.status);
    assert.equal(statuses[0], 'STARTED', `stream statuses: ${statuses.join(',')}`);
    assert.equal(statuses.at(-1), 'COMPLETE', `stream statuses: ${statuses.join(',')}`);
    assert.ok(statuses.slice(1, -1).every((s) => s === 'RUNNING') && statuses.length >= 3, `stream statuses: ${statuses.join(',')}`);
  });

  test('full refresh twice: the same records, the second read emitted later', async () => {
    const { catalog: k } = writeJsonFiles({ catalog: configured('full_refresh') });
    const a = await airbyte(['read', '--config', files.config!, '--catalog', k!], { validateWith: catalog });
    const b = await airbyte(['read', '--config', files.config!, '--catalog', k!], { validateWith: catalog });
    const key = (r: CliResult) => readRecords(r).map((x) => JSON.stringify(x.data)).sort();
    assert.deepEqual(key(b), key(a));
    const lastA = Math.max(...readRecords(a).map((x) => x.emitted_at));
    const firstB = Math.min(...readRecords(b).map((x) => x.emitted_at));
    assert.ok(firstB > lastA, 'emitted_at is taken when a record is emitted');
  });

  test('incremental twice on a quiet server: the second read emits no records and a STATE; a far-future state gives 0 records and a STATE', async () => {
    const { catalog: k } = writeJsonFiles({ catalog: configured('incremental') });
    const first = await airbyte(['read', '--config', files.config!, '--catalog', k!], { validateWith: catalog });
    assert.equal(first.code, 0);
    assert.ok(readRecords(first).length >= 1 && ofType(first, 'STATE').length >= 1);
    // The assembled final per-stream state, as the platform would pass it back.
    const finalByStream = new Map<string, any>();
    for (const m of ofType(first, 'STATE')) {
      const { sourceStats: _s, destinationStats: _d, ...st } = m.state;
      finalByStream.set(st.stream.stream_descriptor.name, st);
    }
    const state = [...finalByStream.values()];
    const { state: s1 } = writeJsonFiles({ state });
    const second = await airbyte(['read', '--config', files.config!, '--catalog', k!, '--state', s1!], { validateWith: catalog });
    assert.equal(second.code, 0);
    assert.equal(readRecords(second).length, 0, 'nothing changed, so nothing is emitted');
    assert.ok(ofType(second, 'STATE').length >= 1, 'a STATE even with no records');

    const { state: s2 } = writeJsonFiles({ state: farFuture(state) });
    const future = await airbyte(['read', '--config', files.config!, '--catalog', k!, '--state', s2!], { validateWith: catalog });
    assert.equal(future.code, 0, future.stderr.slice(-1000));
    assert.equal(readRecords(future).length, 0, 'a far-future cursor gives no records');
    assert.ok(ofType(future, 'STATE').length >= 1, 'and still a STATE');
  });

  test('a catalog with an unknown stream gives an ERROR trace', async () => {
    const bogus = {
      streams: [
        {
          stream: { name: '__AIRBYTE__stream_that_does_not_exist', json_schema: { type: 'object', properties: {} }, supported_sync_modes: ['full_refresh'] },
          sync_mode: 'INVALID',
          destination_sync_mode: 'overwrite',
        },
      ],
    };
    const { catalog: k } = writeJsonFiles({ catalog: bogus });
    const r = await runCli(airbyteBin, ['read', '--config', files.config!, '--catalog', k!]);
    runs.push(r);
    assert.deepEqual(r.badLines, []);
    assertValidAirbyte(r.messages, { catalog });
    assert.ok(errorTraces(r).length >= 1, `no ERROR trace; stdout: ${r.stdout.slice(0, 500)}`);
    assert.notEqual(r.code, 0, 'a refused catalog is a failed run');
  });

  test('every message of every run above is a valid Airbyte message', () => {
    assert.ok(runs.length >= 10, `only ${runs.length} runs recorded`);
    for (const r of runs) assertValidAirbyte(r.messages, { catalog });
  });
});
