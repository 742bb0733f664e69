// Shared by the issues-*.test.ts correctness tests: a simulator per test, configs, Airbyte catalogs,
// the real CLI (child process) and, for tests that must steer the clock, the stream in-process
// over the same real sockets.
import type { ChildProcess } from 'node:child_process';
import { assertValidAirbyte } from '../helpers/protocol-checks.js';
import { watchPeakRss, type RssWatch } from '../helpers/peak-rss.js';
import { airbyteBin, runCli, writeJsonFiles, type CliResult, type Message } from '../helpers/run-cli.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator, SimulatorOptions, TruthIssue } from '../../src/simulator/types.js';
import type { Config } from '../../src/config/config.js';
import { createHttpClient } from '../../src/http/http-client.js';
import { issuesStream } from '../../src/streams/issues.js';
import { checkConnection } from '../../src/jira/check-connection.js';
import { airbyteStream } from '../../src/protocol/airbyte-catalog.js';
import type { JsonObject, StreamEvent, SyncMode } from '../../src/streams/stream.js';

export type { TruthIssue, RunningSimulator };

/** Every CLI output of these tests, scanned for the API token at the end. */
export const allOutput: string[] = [];

export async function sim(opts: SimulatorOptions): Promise<RunningSimulator> {
  return startSimulator({ port: 0, host: '127.0.0.1', ...opts });
}

export function configFor(s: RunningSimulator, over: Partial<Config> = {}, mode: 'cloud' | 'datacenter' = 'cloud'): Config {
  return {
    base_url: s.url,
    credentials:
      mode === 'cloud'
        ? { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' }
        : { auth_type: 'personal_access_token', personal_access_token: 'demo-pat' },
    start_date: '2000-01-01T00:00:00Z',
    lookback_minutes: 5,
    page_size: 50,
    request_timeout_seconds: 10,
    max_concurrency: 8,
    ...over,
  };
}

export function catalog(syncMode: SyncMode = 'incremental'): JsonObject {
  return {
    streams: [
      {
        stream: airbyteStream(issuesStream),
        sync_mode: syncMode,
        destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite',
        cursor_field: ['updated'],
        primary_key: [['id']],
      },
    ],
  };
}

export interface AirbyteRun extends CliResult {
  records: JsonObject[];
  states: JsonObject[];
  /** the last STATE's stream_state */
  lastState: JsonObject | undefined;
  /** the CLI's peak resident set (VmHWM), MB */
  peakRssMb: number;
}

export async function readAirbyte(
  config: Config,
  opts: { state?: JsonObject; syncMode?: SyncMode; onMessage?: (m: Message, child: ChildProcess) => boolean | void; timeoutMs?: number } = {},
): Promise<AirbyteRun> {
  const files = writeJsonFiles({
    config,
    catalog: catalog(opts.syncMode),
    ...(opts.state === undefined ? {} : { state: [{ type: 'STREAM', stream: { stream_descriptor: { name: 'issues' }, stream_state: opts.state } }] }),
  });
  const args = ['read', '--config', files.config!, '--catalog', files.catalog!, ...(files.state ? ['--state', files.state] : [])];
  let rss: RssWatch | undefined;
  const r = await runCli(airbyteBin, args, { onMessage: opts.onMessage, timeoutMs: opts.timeoutMs ?? 60_000, onSpawn: (child) => (rss = watchPeakRss(child)) });
  allOutput.push(r.stdout, r.stderr);
  // every message (and every RECORD against the stream's schema) must be valid Airbyte protocol
  if (r.signal === null) assertValidAirbyte(r.messages, { catalog: catalog(opts.syncMode) as { streams: Array<Record<string, any>> } });
  const records = r.messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data as JsonObject);
  const states = r.messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state as JsonObject);
  return { ...r, records, states, lastState: states.at(-1), peakRssMb: rss?.peakMb() ?? 0 };
}

export interface InProcessRun {
  records: JsonObject[];
  states: JsonObject[];
  events: StreamEvent[];
}

/** The stream itself over real sockets, with an injectable clock (e.g. to place the run later than now). */
export async function readInProcess(config: Config, opts: { state?: JsonObject; syncMode?: SyncMode; clock?: () => number } = {}): Promise<InProcessRun> {
  const clock = opts.clock ?? Date.now;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  const http = createHttpClient(config, { logger, clock, sleep });
  const events: StreamEvent[] = [];
  try {
    for await (const e of issuesStream.read({ config, http, logger, clock, sleep, proveCredentials: () => checkConnection(http), syncMode: opts.syncMode ?? 'incremental', state: opts.state })) events.push(e);
  } finally {
    await http.close();
  }
  return {
    events,
    records: events.flatMap((e) => (e.type === 'record' ? [e.data] : [])),
    states: events.flatMap((e) => (e.type === 'state' ? [e.state] : [])),
  };
}

export const ids = (records: JsonObject[]) => new Set(records.map((r) => String(r.id)));

/** Issues live at `start` and still live at `end` must appear with updated >= their value at start. */
export function missingFromStart(start: TruthIssue[], end: TruthIssue[], records: JsonObject[]): TruthIssue[] {
  const live = new Set(end.map((t) => t.id));
  const best = new Map<string, number>();
  for (const r of records) {
    const u = Date.parse(String(r.updated));
    best.set(String(r.id), Math.max(best.get(String(r.id)) ?? -Infinity, u));
  }
  return start.filter((t) => live.has(t.id) && !((best.get(t.id) ?? -Infinity) >= t.updated));
}

export function duplicatesRatio(records: JsonObject[]): number {
  return records.length / Math.max(1, ids(records).size);
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));


export { statesAheadOfRecords } from '../helpers/state-coverage.js';

/** The Airbyte TRACE error messages of a run. */
export function traceErrors(messages: Message[]): Array<{ message: string; failure_type: string }> {
  return messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR').map((m) => m.trace.error);
}

/** The Airbyte LOG messages of a run at one level. */
export function logs(messages: Message[], level: string): string[] {
  return messages.filter((m) => m.type === 'LOG' && m.log.level === level).map((m) => String(m.log.message));
}
