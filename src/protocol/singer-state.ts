// Singer state: the `--state` file is the bare value of a STATE message, {"bookmarks": {"<stream>": S}},
// possibly with other keys (currently_syncing, ...) that are carried forward untouched.
import { configError } from '../errors.js';
import type { JsonObject } from '../streams/stream.js';
import { isObject } from './input-shape.js';

const FIX = 'pass the value of the last STATE message, e.g. {"bookmarks": {}}, or delete the state to start from start_date';

export function parseSingerState(value: unknown, file: string): JsonObject {
  // A whole STATE message is accepted too (people paste the tap's own output line).
  const state = isObject(value) && value.type === 'STATE' && isObject(value.value) ? value.value : value;
  if (!isObject(state)) throw configError(`State file ${file}: must be a JSON object; ${FIX}`);
  const bookmarks = state.bookmarks ?? {};
  if (!isObject(bookmarks)) throw configError(`State file ${file}: "bookmarks" must be a JSON object; ${FIX}`);
  for (const [name, bookmark] of Object.entries(bookmarks)) {
    if (bookmark !== null && !isObject(bookmark)) {
      throw configError(`State file ${file}: the bookmark of stream "${name}" must be a JSON object; delete the state to start from start_date`);
    }
  }
  return { ...state, bookmarks: { ...bookmarks } };
}

/** The saved state of one stream, if any (null or {} mean none). */
export function bookmarkOf(state: JsonObject, stream: string): JsonObject | undefined {
  const bookmark = (state.bookmarks as JsonObject)[stream];
  return isObject(bookmark) && Object.keys(bookmark).length > 0 ? bookmark : undefined;
}
