// Reads an Airbyte `--state` file into one saved state per stream. Accepted forms: the list of
// AirbyteStateMessage (STREAM, GLOBAL or LEGACY entries; `[]` = none), one such message, and the
// legacy object ({"issues": S} or a {"data": {...}} blob). A null stream state means "reset".
import { configError } from '../errors.js';
import type { JsonObject } from '../streams/stream.js';
import { isObject } from './input-shape.js';

export type SavedStates = Map<string, JsonObject>;

const FIX = 'pass the list of STATE messages\' "state" objects, [], or delete the state to start from start_date';

function put(states: SavedStates, name: unknown, value: unknown, file: string): void {
  if (typeof name !== 'string') throw configError(`State file ${file}: a stream_descriptor has no name; ${FIX}`);
  // null or an empty object carries no cursor: the same as no state (a reset); a later entry for a
  // stream (a run's output) replaces an earlier one.
  if (value === null || value === undefined || (isObject(value) && Object.keys(value).length === 0)) {
    states.delete(name);
    return;
  }
  if (!isObject(value)) {
    throw configError(`State file ${file}: the state of stream "${name}" must be a JSON object; delete the state to start from start_date`);
  }
  states.set(name, value);
}

function putStreamState(states: SavedStates, stream: unknown, file: string): void {
  if (!isObject(stream) || !isObject(stream.stream_descriptor)) {
    throw configError(`State file ${file}: a STREAM state needs stream.stream_descriptor; ${FIX}`);
  }
  put(states, stream.stream_descriptor.name, stream.stream_state, file);
}

function putLegacy(states: SavedStates, data: unknown, file: string): void {
  if (!isObject(data)) throw configError(`State file ${file}: a legacy state must be a JSON object; ${FIX}`);
  for (const [name, value] of Object.entries(data)) put(states, name, value, file);
}

function putMessage(states: SavedStates, raw: unknown, index: number, file: string): void {
  // Accept whole STATE envelopes too: people paste the connector's own output lines.
  const message = isObject(raw) && raw.type === 'STATE' && isObject(raw.state) ? raw.state : raw;
  if (!isObject(message)) throw configError(`State file ${file}: entry ${index} is not a JSON object; ${FIX}`);
  if (message.type === 'STREAM' || (message.type === undefined && 'stream' in message)) {
    putStreamState(states, message.stream, file);
  } else if (message.type === 'GLOBAL' || (message.type === undefined && 'global' in message)) {
    const global = message.global;
    if (!isObject(global) || !Array.isArray(global.stream_states)) {
      throw configError(`State file ${file}: a GLOBAL state needs global.stream_states; ${FIX}`);
    }
    for (const s of global.stream_states) putStreamState(states, s, file);
  } else if (message.type === 'LEGACY' || 'data' in message) {
    putLegacy(states, message.data, file);
  } else {
    throw configError(`State file ${file}: entry ${index} is not an Airbyte state message (needs "stream", "global" or "data"); ${FIX}`);
  }
}

export function parseAirbyteState(value: unknown, file: string): SavedStates {
  const states: SavedStates = new Map();
  if (value === null) return states;
  if (Array.isArray(value)) {
    value.forEach((entry, i) => putMessage(states, entry, i, file));
  } else if (isObject(value) && (typeof value.type === 'string' || 'stream' in value || 'global' in value || 'data' in value)) {
    putMessage(states, value, 0, file);
  } else if (isObject(value)) {
    putLegacy(states, value, file);
  } else {
    throw configError(`State file ${file}: must be a JSON list or object; ${FIX}`);
  }
  return states;
}
