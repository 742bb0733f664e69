// A `--state` file as either front may get it: its own protocol's state, the other protocol's state
// (both carry the same per-stream state, so it is used, with a WARN naming the shape found), or a
// previous run's output (NDJSON), of which the last STATE of each stream is taken. What cannot be
// used is said, never dropped without a word: a user who passes a state expects it to be read.
import { configError } from '../errors.js';
import type { PlannedStream } from '../source.js';
import type { JsonObject, Stream } from '../streams/stream.js';
import { parseAirbyteState, type SavedStates } from './airbyte-state.js';
import { isObject, streamNames } from './input-shape.js';
import type { JsonInput } from './json-input.js';
import { bookmarkOf, parseSingerState } from './singer-state.js';

export type StateProtocol = 'airbyte' | 'singer';

export interface StateFile {
  /** stream name -> its state (an Airbyte stream_state is a Singer bookmark) */
  streams: SavedStates;
  /** The Singer state value, when the file held one: its other keys are carried forward. */
  singer?: JsonObject;
  /** Whose shape the file had, and in words; undefined for an empty state ([], {}, null). */
  protocol?: StateProtocol;
  shape: string;
  /** How the file was read (a run's output): INFO. */
  notes: string[];
  /** What in the file is not used (a GLOBAL shared_state): WARN. */
  ignored: string[];
}

const AIRBYTE_STATE_TYPES = new Set(['STREAM', 'GLOBAL', 'LEGACY']);

function fromSinger(value: unknown, file: string, shape: string, notes: string[] = []): StateFile {
  const singer = parseSingerState(value, file);
  const streams: SavedStates = new Map();
  for (const name of Object.keys(singer.bookmarks as JsonObject)) {
    const bookmark = bookmarkOf(singer, name);
    if (bookmark !== undefined) streams.set(name, bookmark);
  }
  return { streams, singer, protocol: 'singer', shape, notes, ignored: [] };
}

function sharedStateNote(value: unknown, file: string): string[] {
  const entries = Array.isArray(value) ? value : [value];
  const shared = entries.some((e) => {
    const m = isObject(e) && e.type === 'STATE' && isObject(e.state) ? e.state : e;
    return isObject(m) && isObject(m.global) && isObject(m.global.shared_state) && Object.keys(m.global.shared_state).length > 0;
  });
  return shared ? [`State file ${file}: the GLOBAL state's shared_state is ignored; this source keeps one state per stream (global.stream_states)`] : [];
}

function fromAirbyte(value: unknown, file: string, shape: string, notes: string[] = []): StateFile {
  const streams = parseAirbyteState(value, file);
  const empty = value === null || (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);
  return { streams, protocol: empty ? undefined : 'airbyte', shape, notes, ignored: sharedStateNote(value, file) };
}

/** A previous run's output: the last STATE wins (Airbyte: per stream; Singer: the whole value). */
function fromOutput(lines: unknown[], cutShort: boolean, file: string): StateFile {
  const states = lines.filter((m): m is JsonObject => isObject(m) && m.type === 'STATE');
  const read = `${lines.length} lines${cutShort ? ' and a last line cut short, which was dropped' : ''}`;
  const last = states.at(-1);
  if (last === undefined) {
    throw configError(
      `State file ${file} holds messages (${read}) but no STATE message; pass the output of a run that emitted STATE lines, or leave out --state to start from start_date`,
    );
  }
  if ('value' in last) {
    return fromSinger(last.value, file, 'a tap-jira run\'s output', [`State file ${file} is a run's output (${read}): its last STATE message is used`]);
  }
  const airbyte = states.filter((m) => isObject(m.state)).map((m) => m.state);
  return fromAirbyte(airbyte, file, 'a source-jira run\'s output', [`State file ${file} is a run's output (${read}): the last STATE message of each stream is used`]);
}

export function parseStateFile(input: JsonInput, file: string): StateFile {
  if ('lines' in input) return fromOutput(input.lines, input.cutShort, file);
  const v = input.value;
  if (Array.isArray(v)) return fromAirbyte(v, file, 'a list of Airbyte state messages');
  if (v === null) return fromAirbyte(v, file, 'null');
  if (!isObject(v)) {
    throw configError(
      `State file ${file} holds a JSON ${typeof v}, not a state; pass the state a previous run left (its last STATE message, or its whole output), or delete it to start from start_date`,
    );
  }
  if (v.type === 'STATE' && 'value' in v) return fromSinger(v.value, file, 'a Singer STATE message');
  if (v.type === 'STATE') return fromAirbyte(v, file, 'an Airbyte STATE message');
  // A run's single output line that is not a STATE (e.g. only a LOG or a RECORD).
  if (typeof v.type === 'string' && !AIRBYTE_STATE_TYPES.has(v.type)) return fromOutput([v], false, file);
  if ('bookmarks' in v || 'currently_syncing' in v) return fromSinger(v, file, 'a Singer state ({"bookmarks": …})');
  if (Object.keys(v).length === 1 && isObject(v.value)) return fromSinger(v.value, file, 'a Singer STATE message\'s {"value": …}');
  // What `meltano state get` prints.
  if (Object.keys(v).length === 1 && isObject(v.singer_state)) return fromSinger(v.singer_state, file, 'Meltano\'s state ({"singer_state": …})');
  if (typeof v.type === 'string' || 'stream' in v || 'global' in v) return fromAirbyte(v, file, `an Airbyte ${String(v.type ?? ('global' in v ? 'GLOBAL' : 'STREAM'))} state message`);
  if ('data' in v) return fromAirbyte(v, file, 'an Airbyte legacy state ({"data": …})');
  return fromAirbyte(v, file, 'an Airbyte legacy state ({"<stream>": …})');
}

const OWN_FORM: Record<StateProtocol, string> = {
  airbyte: 'source-jira\'s own form is the list of its STATE messages\' "state" objects, or a run\'s output',
  singer: 'tap-jira\'s own form is the value of its last STATE message, {"bookmarks": …}, or a run\'s output',
};

/**
 * What the front tells the user about the state file it got: INFO notes on how it was read, and
 * WARNs for a shape of the other protocol, states of streams this source does not have, and planned
 * incremental streams the file has no state for (they start from start_date).
 */
export function stateFileMessages(
  parsed: StateFile,
  front: StateProtocol,
  plan: PlannedStream[],
  offered: Stream[],
  file: string,
): { info: string[]; warn: string[] } {
  const warn: string[] = [];
  if (parsed.protocol !== undefined && parsed.protocol !== front) {
    const used = front === 'airbyte' ? 'its bookmarks are used as the streams\' states' : 'its stream states are used as bookmarks';
    warn.push(`State file ${file} is ${parsed.shape}, not ${front === 'airbyte' ? 'Airbyte' : 'Singer'} state: ${used} (${OWN_FORM[front]})`);
  }
  const names = new Set(offered.map((s) => s.name));
  for (const name of parsed.streams.keys()) {
    if (!names.has(name)) {
      warn.push(`State file ${file}: the state of stream "${name}" is ignored: this source has no such stream (it offers: ${streamNames(offered)})`);
    }
  }
  if (parsed.streams.size > 0) {
    for (const p of plan) {
      if (p.syncMode === 'incremental' && !parsed.streams.has(p.stream.name)) {
        warn.push(`State file ${file} holds no state for stream ${p.stream.name}; it is read from start_date`);
      }
    }
  }
  return { info: parsed.notes, warn: [...warn, ...parsed.ignored] };
}
