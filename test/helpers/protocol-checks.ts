// Protocol conformance checks for everything our CLIs print, shared by every CLI-based test.
// Airbyte: each message validates against the official protocol schema (airbyte_protocol.v0.18.0.yaml,
// kept in test/fixtures/airbyte-protocol), carries the payload key its `type` names and no
// other, and each RECORD validates against its stream's json_schema. Singer: what singer-check-tap
// checks (SCHEMA before RECORD, records valid against the schema, strict RFC 3339 date-times), plus the
// required fields of each message. The validators return a list of problems (empty = valid).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { repoRoot, runCli, writeJsonFiles, type CliResult, type Message } from './run-cli.js';

// ajv and ajv-formats are CommonJS; under NodeNext their default export is the module object.
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as typeof AjvModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as typeof addFormatsModule.default;

/** The Airbyte protocol schema, kept in the repository (see test/fixtures/airbyte-protocol/README.md). */
export const PROTOCOL_SCHEMA_FILE = join(repoRoot, 'test/fixtures/airbyte-protocol/airbyte_protocol.v0.18.0.yaml');

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Strict RFC 3339 date-time (as strict-rfc3339, which singer-check-tap uses): upper-case T and Z, real dates. */
export function isStrictRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth || hour > 23 || minute > 59 || second > 60) return false;
  if (m[8] !== 'Z' && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return true;
}

/** Ajv for JSON Schema draft-07 with formats, `date-time` strict RFC 3339. */
export function newAjv(): InstanceType<typeof Ajv> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // ajv-formats accepts a space or a lower-case t between date and time; Singer and Airbyte targets do not.
  ajv.addFormat('date-time', { type: 'string', validate: isStrictRfc3339 });
  return ajv;
}

let protocolValidator: ValidateFunction | undefined;
function airbyteMessageValidator(): ValidateFunction {
  if (!protocolValidator) {
    const doc = parseYaml(readFileSync(PROTOCOL_SCHEMA_FILE, 'utf8')) as { $id: string };
    const ajv = newAjv();
    ajv.addSchema(doc);
    const v = ajv.getSchema(`${doc.$id}#/definitions/AirbyteMessage`);
    if (!v) throw new Error('AirbyteMessage definition missing from the protocol schema');
    protocolValidator = v;
  }
  return protocolValidator;
}

const recordAjv = newAjv();
const recordValidators = new Map<string, ValidateFunction>();
function schemaValidator(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = recordValidators.get(key);
  if (!v) {
    const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
    v = recordAjv.compile(rest);
    recordValidators.set(key, v);
  }
  return v;
}

function ajvErrors(v: ValidateFunction): string {
  return (v.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`)
    .join('; ');
}

/** Parses raw stdout lines (strings) or takes already-parsed messages; unparseable lines become problems. */
function toMessages(lines: ReadonlyArray<string | Message>, problems: string[]): Array<[number, Message]> {
  const out: Array<[number, Message]> = [];
  lines.forEach((line, i) => {
    if (typeof line !== 'string') {
      out.push([i, line]);
      return;
    }
    if (line.trim() === '') return;
    try {
      const m: unknown = JSON.parse(line);
      if (m === null || typeof m !== 'object' || Array.isArray(m)) problems.push(`line ${i + 1}: not a JSON object: ${line.slice(0, 120)}`);
      else out.push([i, m as Message]);
    } catch {
      problems.push(`line ${i + 1}: not JSON: ${line.slice(0, 120)}`);
    }
  });
  return out;
}

const AIRBYTE_PAYLOAD: Record<string, string> = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CATALOG: 'catalog',
  TRACE: 'trace',
  CONTROL: 'control',
  DESTINATION_CATALOG: 'destination_catalog',
};

export interface AirbyteCheckOptions {
  /**
   * The catalog whose json_schemas RECORDs must match: an AirbyteCatalog (discover's `catalog`) or a
   * ConfiguredAirbyteCatalog. Without it, a CATALOG message among the lines is used, else the stream's
   * schema file in the repo (schemas/<stream>.json, what discover publishes).
   */
  catalog?: { streams: Array<Record<string, any>> };
  /** RECORD fields not declared in the stream's schema are problems (CAT's fail_on_extra_columns). Default true. */
  failOnExtraColumns?: boolean;
}

function schemasOf(catalog: { streams: Array<Record<string, any>> }): Map<string, Record<string, any>> {
  const out = new Map<string, Record<string, any>>();
  for (const s of catalog.streams ?? []) {
    const stream = s.stream && typeof s.stream === 'object' ? s.stream : s; // configured vs plain
    if (typeof stream.name === 'string' && stream.json_schema) out.set(stream.name, stream.json_schema);
  }
  return out;
}

const repoSchemas = new Map<string, Record<string, any> | undefined>();
function repoStreamSchema(stream: unknown): Record<string, any> | undefined {
  if (typeof stream !== 'string' || !/^[a-z0-9_]+$/.test(stream)) return undefined;
  if (!repoSchemas.has(stream)) {
    const p = join(repoRoot, 'schemas', `${stream}.json`);
    repoSchemas.set(stream, existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : undefined);
  }
  return repoSchemas.get(stream);
}

/** Every problem found in an Airbyte connector's output; [] when it all conforms. */
export function validateAirbyteLines(lines: ReadonlyArray<string | Message>, opts: AirbyteCheckOptions = {}): string[] {
  const problems: string[] = [];
  const messages = toMessages(lines, problems);
  const validate = airbyteMessageValidator();
  let schemas = opts.catalog ? schemasOf(opts.catalog) : undefined;
  if (!schemas) {
    const cat = messages.find(([, m]) => m.type === 'CATALOG' && m.catalog)?.[1];
    if (cat) schemas = schemasOf(cat.catalog);
  }
  const catalogGiven = schemas !== undefined;
  schemas ??= new Map();
  const failOnExtra = opts.failOnExtraColumns ?? true;
  for (const [i, m] of messages) {
    const at = `line ${i + 1} (${String(m.type)})`;
    if (!validate(m)) {
      problems.push(`${at}: not a valid AirbyteMessage: ${ajvErrors(validate)}`);
      continue;
    }
    const key = AIRBYTE_PAYLOAD[m.type as string];
    if (key === undefined || m[key] === undefined || m[key] === null) {
      problems.push(`${at}: payload key "${key}" for type ${String(m.type)} is missing`);
      continue;
    }
    for (const other of Object.values(AIRBYTE_PAYLOAD)) {
      if (other !== key && m[other] !== undefined) problems.push(`${at}: carries "${other}" which does not belong to type ${String(m.type)}`);
    }
    if (m.type === 'STATE') {
      const st = m.state;
      if (st.type !== 'STREAM' && st.type !== 'GLOBAL') problems.push(`${at}: state type is ${String(st.type)}, expected STREAM or GLOBAL (LEGACY state is refused by the acceptance tests)`);
      if (st.type === 'STREAM' && (!st.stream || st.stream.stream_state === undefined)) problems.push(`${at}: STREAM state without stream.stream_state`);
    }
    if (m.type === 'RECORD') {
      const rec = m.record;
      const schema = schemas.get(rec.stream) ?? (catalogGiven ? undefined : repoStreamSchema(rec.stream));
      if (!schema) {
        problems.push(`${at}: stream "${String(rec.stream)}" is not in the catalog (nor schemas/${String(rec.stream)}.json)`);
        continue;
      }
      const v = schemaValidator(schema);
      if (!v(rec.data)) problems.push(`${at}: data does not match the ${rec.stream} json_schema: ${ajvErrors(v)}`);
      if (failOnExtra && schema.properties && typeof rec.data === 'object') {
        const extra = Object.keys(rec.data).filter((k) => !(k in schema.properties));
        if (extra.length) problems.push(`${at}: fields not declared in the ${rec.stream} schema: ${extra.join(', ')}`);
      }
    }
  }
  return problems;
}

export interface SingerCheckOptions {
  /** Allow RECORDs for streams never announced by a SCHEMA (never true for our tap). Default false. */
  allowSchemaless?: boolean;
}

/** Every problem found in a Singer tap's output; [] when it all conforms. */
export function validateSingerLines(lines: ReadonlyArray<string | Message>, opts: SingerCheckOptions = {}): string[] {
  const problems: string[] = [];
  const messages = toMessages(lines, problems);
  const schemas = new Map<string, { schema: Record<string, any>; keys: string[] }>();
  for (const [i, m] of messages) {
    const type = typeof m.type === 'string' ? m.type.toUpperCase() : undefined;
    const at = `line ${i + 1} (${String(m.type)})`;
    if (!type) {
      problems.push(`line ${i + 1}: message without a string "type"`);
      continue;
    }
    if (type === 'SCHEMA') {
      if (typeof m.stream !== 'string' || !m.stream) problems.push(`${at}: "stream" must be a non-empty string`);
      if (!m.schema || typeof m.schema !== 'object' || Array.isArray(m.schema)) {
        problems.push(`${at}: "schema" must be a JSON Schema object`);
        continue;
      }
      if (!m.schema.properties || typeof m.schema.properties !== 'object') problems.push(`${at}: schema has no "properties" (SDK targets refuse it)`);
      if (!Array.isArray(m.key_properties) || m.key_properties.some((k: unknown) => typeof k !== 'string')) {
        problems.push(`${at}: "key_properties" is required and must be an array of strings`);
        continue;
      }
      for (const k of [...m.key_properties, ...(Array.isArray(m.bookmark_properties) ? m.bookmark_properties : [])]) {
        if (!m.schema.properties?.[k]) problems.push(`${at}: key/bookmark property "${k}" is not a top-level property of the schema`);
      }
      try {
        schemaValidator(m.schema);
      } catch (e) {
        problems.push(`${at}: schema does not compile: ${(e as Error).message}`);
        continue;
      }
      schemas.set(m.stream, { schema: m.schema, keys: m.key_properties });
    } else if (type === 'RECORD') {
      if (typeof m.stream !== 'string') problems.push(`${at}: "stream" must be a string`);
      if (!m.record || typeof m.record !== 'object' || Array.isArray(m.record)) {
        problems.push(`${at}: "record" must be an object`);
        continue;
      }
      if (m.time_extracted !== undefined && (typeof m.time_extracted !== 'string' || !isStrictRfc3339(m.time_extracted))) {
        problems.push(`${at}: time_extracted ${JSON.stringify(m.time_extracted)} is not a strict RFC 3339 date-time`);
      }
      if (m.version !== undefined && !Number.isInteger(m.version)) problems.push(`${at}: "version" must be an integer`);
      const s = schemas.get(m.stream);
      if (!s) {
        if (!opts.allowSchemaless) problems.push(`${at}: RECORD for stream "${String(m.stream)}" before any SCHEMA for it`);
        continue;
      }
      const v = schemaValidator(s.schema);
      if (!v(m.record)) problems.push(`${at}: record does not match the ${m.stream} schema: ${ajvErrors(v)}`);
      for (const k of s.keys) {
        if (m.record[k] === undefined || m.record[k] === null) problems.push(`${at}: key property "${k}" missing or null`);
      }
    } else if (type === 'STATE') {
      if (!('value' in m)) problems.push(`${at}: STATE without "value"`);
    } else if (type === 'ACTIVATE_VERSION') {
      if (typeof m.stream !== 'string' || !Number.isInteger(m.version)) problems.push(`${at}: ACTIVATE_VERSION needs "stream" and an integer "version"`);
    }
    // Other types are allowed by the Singer spec (targets ignore them).
  }
  return problems;
}

function failWith(kind: string, problems: string[]): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 15).join('\n  ');
  assert.fail(`${problems.length} ${kind} protocol problem(s):\n  ${shown}${problems.length > 15 ? '\n  ...' : ''}`);
}

/** Fails the test when the Airbyte output does not conform (see validateAirbyteLines). */
export function assertValidAirbyte(lines: ReadonlyArray<string | Message>, opts?: AirbyteCheckOptions): void {
  failWith('Airbyte', validateAirbyteLines(lines, opts));
}

/** Fails the test when the Singer output does not conform (see validateSingerLines). */
export function assertValidSinger(lines: ReadonlyArray<string | Message>, opts?: SingerCheckOptions): void {
  failWith('Singer', validateSingerLines(lines, opts));
}

/** The `value` of the last Singer STATE message, or undefined. */
export function lastSingerState(messages: ReadonlyArray<Message>): unknown {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (typeof m.type === 'string' && m.type.toUpperCase() === 'STATE') return m.value;
  }
  return undefined;
}

/**
 * What singer-check-tap does, against our tap: run it (with the catalog if given), require exit 0 and
 * valid output, then run it again from the last STATE value and check that run too.
 */
export async function singerCheckTap(
  bin: string,
  configPath: string,
  opts: { catalogPath?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ first: CliResult; second: CliResult; state: unknown }> {
  const base = ['--config', configPath, ...(opts.catalogPath ? ['--catalog', opts.catalogPath] : [])];
  const run = async (args: string[], label: string): Promise<CliResult> => {
    const r = await runCli(bin, args, { env: opts.env, timeoutMs: opts.timeoutMs });
    assert.equal(r.code, 0, `${label} exited ${r.code}: ${r.stderr.slice(-1500)}`);
    assert.deepEqual(r.badLines, [], `${label} printed non-JSON lines on stdout`);
    failWith(`Singer (${label})`, validateSingerLines(r.messages));
    return r;
  };
  const first = await run(base, 'first run');
  const state = lastSingerState(first.messages);
  assert.notEqual(state, undefined, 'the first run emitted no STATE, so a re-run cannot resume');
  const { state: statePath } = writeJsonFiles({ state: state as object });
  const second = await run([...base, '--state', statePath!], 're-run from the last STATE');
  return { first, second, state };
}

/** Absolute path inside the repository (for tests that name fixtures). */
export function repoPath(...parts: string[]): string {
  return resolve(repoRoot, ...parts);
}
