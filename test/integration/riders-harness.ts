// Shared by the riders-*.test.ts tests: the issues walk with the streams derived from it (issue_links,
// sprint_issues) through the real Airbyte CLI, per-stream states in and out, and the truth of links and
// sprint membership as rows of those streams.
import type { ChildProcess } from 'node:child_process';
import { assertValidAirbyte } from '../helpers/protocol-checks.js';
import { airbyteBin, runCli, writeJsonFiles, type CliResult, type Message } from '../helpers/run-cli.js';
import { airbyteStream } from '../../src/protocol/airbyte-catalog.js';
import { allStreams } from '../../src/streams/registry.js';
import type { Config } from '../../src/config/config.js';
import type { JsonObject, SyncMode } from '../../src/streams/stream.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { allOutput } from './issues-harness.js';

export const RIDERS = ['issue_links', 'sprint_issues'] as const;
export const WALK = ['issues', ...RIDERS] as const;

export function walkCatalog(names: readonly string[], syncMode: SyncMode = 'incremental'): { streams: JsonObject[] } {
  return {
    streams: names.map((name) => {
      const stream = allStreams().find((s) => s.name === name)!;
      return {
        stream: airbyteStream(stream),
        sync_mode: syncMode,
        destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite',
        cursor_field: stream.cursorField,
        primary_key: stream.primaryKey,
      };
    }),
  };
}

export interface WalkRun extends CliResult {
  records(stream: string): JsonObject[];
  states(stream: string): JsonObject[];
  /** each stream's last stream_state */
  lastStates: Record<string, JsonObject>;
}

export async function readWalk(
  config: Config,
  names: readonly string[],
  opts: { states?: Record<string, JsonObject>; syncMode?: SyncMode; onMessage?: (m: Message, child: ChildProcess) => boolean | void; timeoutMs?: number; catalog?: { streams: JsonObject[] } } = {},
): Promise<WalkRun> {
  const catalog = opts.catalog ?? walkCatalog(names, opts.syncMode);
  const states = Object.entries(opts.states ?? {}).map(([name, stream_state]) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state } }));
  const files = writeJsonFiles({ config, catalog, ...(states.length ? { state: states } : {}) });
  const args = ['read', '--config', files.config!, '--catalog', files.catalog!, ...(files.state ? ['--state', files.state] : [])];
  const r = await runCli(airbyteBin, args, { onMessage: opts.onMessage, timeoutMs: opts.timeoutMs ?? 60_000 });
  allOutput.push(r.stdout, r.stderr);
  if (r.signal === null) assertValidAirbyte(r.messages, { catalog: catalog as { streams: Array<Record<string, any>> } });
  const records = (s: string) => r.messages.filter((m) => m.type === 'RECORD' && m.record.stream === s).map((m) => m.record.data as JsonObject);
  const statesOf = (s: string) => r.messages.filter((m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === s).map((m) => m.state.stream.stream_state as JsonObject);
  const lastStates: Record<string, JsonObject> = {};
  for (const m of r.messages) if (m.type === 'STATE') lastStates[m.state.stream.stream_descriptor.name] = m.state.stream.stream_state;
  return { ...r, records, states: statesOf, lastStates };
}

/** The truth as issue_links keys: `<issue id>/<link id>`, one per side of each link. */
export function truthLinkRows(s: RunningSimulator): string[] {
  return s.control.links().flatMap((l) => [`${l.fromId}/${l.id}`, `${l.toId}/${l.id}`]).sort();
}

/** The truth as sprint_issues ids: `<sprint id>-<issue id>`. */
export function truthSprintRows(s: RunningSimulator): string[] {
  return s.control.sprintMembership().map((m) => `${m.sprintId}-${m.issueId}`).sort();
}

export const linkKey = (r: JsonObject) => `${String(r.issue_id)}/${String(r.id)}`;
export const sprintKey = (r: JsonObject) => String(r.id);

/**
 * The warehouse's "replace the children of re-synced parents" model (README): of every row seen, the
 * current ones are those whose issue_updated is the latest `updated` the issues stream gave its issue;
 * issues no longer live (deleted) are left out, and so are rows naming a linked issue that is gone.
 */
export function currentRows(rows: JsonObject[], issues: JsonObject[], live: Set<string>, keyOf: (r: JsonObject) => string): string[] {
  const latest = new Map<string, number>();
  for (const i of issues) latest.set(String(i.id), Math.max(latest.get(String(i.id)) ?? -Infinity, Date.parse(String(i.updated))));
  const out = new Set<string>();
  for (const r of rows) {
    const issue = String(r.issue_id);
    if (!live.has(issue) || (r.linked_issue_id !== undefined && !live.has(String(r.linked_issue_id)))) continue;
    if (Date.parse(String(r.issue_updated)) === latest.get(issue)) out.add(keyOf(r));
  }
  return [...out].sort();
}
