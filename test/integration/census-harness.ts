// Shared by the census tests: the real CLIs reading `issues` and `deleted_issues` incrementally against
// the simulator, on the Airbyte front (per-stream states) and the Singer front (bookmarks).
import type { ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator, SimulatorOptions } from '../../src/simulator/types.js';
import { airbyteBin, runCli, singerBin, writeJsonFiles, type CliResult, type Message } from '../helpers/run-cli.js';
import { assertValidAirbyte } from '../helpers/protocol-checks.js';
import { airbyteStream } from '../../src/protocol/airbyte-catalog.js';
import { singerCatalogEntry } from '../../src/protocol/singer-catalog.js';
import { issuesStream } from '../../src/streams/issues.js';
import { deletedIssues } from '../../src/streams/deleted-issues.js';
import type { Config } from '../../src/config/config.js';
import type { JsonObject } from '../../src/streams/stream.js';

export const STREAMS = [issuesStream, deletedIssues];

export interface Run extends CliResult {
  /** records by stream */
  records: Record<string, JsonObject[]>;
  /** the state to pass to the next run (Airbyte: the last per-stream states; Singer: the last STATE value) */
  state: unknown;
  warnings: string[];
  infos: string[];
}

function airbyteCatalog(names: string[]): JsonObject {
  return {
    streams: STREAMS.filter((s) => names.includes(s.name)).map((s) => ({
      stream: airbyteStream(s),
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
      cursor_field: s.cursorField,
      primary_key: s.primaryKey,
    })),
  };
}

export async function readAirbyte(
  config: Config,
  state: unknown,
  opts: { names?: string[]; onMessage?: (m: Message, child: ChildProcess) => boolean | void } = {},
): Promise<Run> {
  const names = opts.names ?? STREAMS.map((s) => s.name);
  const files = writeJsonFiles({ config, catalog: airbyteCatalog(names), ...(state === undefined ? {} : { state }) });
  const r = await runCli(airbyteBin, ['read', '--config', files.config!, '--catalog', files.catalog!, ...(files.state ? ['--state', files.state] : [])], { timeoutMs: 60_000, onMessage: opts.onMessage });
  if (r.signal === null) assertValidAirbyte(r.messages, { catalog: airbyteCatalog(names) as { streams: Array<Record<string, any>> } });
  const records: Record<string, JsonObject[]> = {};
  const last = new Map<string, Message>();
  for (const m of r.messages) {
    if (m.type === 'RECORD') (records[m.record.stream] ??= []).push(m.record.data);
    if (m.type === 'STATE') last.set(m.state.stream.stream_descriptor.name, m.state);
  }
  // A run that passed a state on keeps the streams it did not write a new one for.
  const prior = Array.isArray(state) ? (state as Message[]).filter((s) => !last.has(s.stream.stream_descriptor.name)) : [];
  return { ...r, records, state: [...prior, ...[...last.values()]], ...logsOf(r.messages) };
}

function logsOf(messages: Message[]): { warnings: string[]; infos: string[] } {
  const at = (level: string) => messages.filter((m) => m.type === 'LOG' && m.log.level === level).map((m) => String(m.log.message));
  return { warnings: at('WARN'), infos: at('INFO') };
}

export async function readSinger(config: Config, state: unknown, names = STREAMS.map((s) => s.name)): Promise<Run> {
  const catalog = { streams: STREAMS.filter((s) => names.includes(s.name)).map(singerCatalogEntry) };
  const files = writeJsonFiles({ config, catalog, ...(state === undefined ? {} : { state }) });
  const r = await runCli(singerBin, ['--config', files.config!, '--catalog', files.catalog!, ...(files.state ? ['--state', files.state] : [])], { timeoutMs: 60_000 });
  const records: Record<string, JsonObject[]> = {};
  let last: unknown = state;
  for (const m of r.messages) {
    if (m.type === 'RECORD') (records[m.stream] ??= []).push(m.record);
    if (m.type === 'STATE') last = m.value;
  }
  const logs = r.stderr.split('\n');
  return { ...r, records, state: last, warnings: logs.filter((l) => /WARN/.test(l)), infos: logs.filter((l) => /INFO/.test(l)) };
}

export const idsOf = (rows: JsonObject[] | undefined) => (rows ?? []).map((r) => String(r.id)).sort();
export const tombstones = (rows: JsonObject[] | undefined, marker = '_ab_cdc_deleted_at') => (rows ?? []).filter((r) => r[marker] != null);

/** A simulator and a config reading it (page_size 100, max_concurrency 8, start_date long ago). */
export async function withSim(opts: SimulatorOptions, body: (sim: RunningSimulator, config: Config) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ port: 0, host: '127.0.0.1', ...opts });
  const config: Config = {
    base_url: sim.url,
    credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' },
    start_date: '2000-01-01T00:00:00Z',
    lookback_minutes: 5,
    page_size: 100,
    request_timeout_seconds: 10,
    max_concurrency: 8,
  } as Config;
  try {
    await body(sim, config);
  } finally {
    await sim.close();
  }
}

/** Applies each run's issues records in order (upsert by id; a tombstone deletes), as a deduplicating destination does. */
export class Warehouse {
  rows = new Map<string, JsonObject>();
  apply(records: JsonObject[] | undefined, marker: string): void {
    for (const r of records ?? []) {
      if (r[marker] != null) this.rows.delete(String(r.id));
      else this.rows.set(String(r.id), r);
    }
  }
  ids(): string[] {
    return [...this.rows.keys()].sort();
  }
}

export const liveIds = (sim: RunningSimulator) => sim.control.truth().map((t) => t.id).sort();
export const ok = (r: Run) => assert.equal(r.code, 0, r.stderr.slice(-2000));
