// Reads a `--state` file for either front and says, in the front's log, how it was read and what of
// it is not used (see src/protocol/state-file.ts). Sets each planned stream's state.
import type { Logger } from '../logger.js';
import { parseStateFile, stateFileMessages, type StateFile, type StateProtocol } from '../protocol/state-file.js';
import type { PlannedStream } from '../source.js';
import type { Stream } from '../streams/stream.js';
import { readJsonOrLines } from './read-json-file.js';

export async function loadState(
  path: string,
  front: StateProtocol,
  plan: PlannedStream[],
  offered: Stream[],
  logger: Logger,
): Promise<StateFile> {
  const parsed = parseStateFile(await readJsonOrLines(path, 'state'), path);
  for (const p of plan) p.state = parsed.streams.get(p.stream.name);
  const { info, warn } = stateFileMessages(parsed, front, plan, offered, path);
  for (const line of info) logger.info(line);
  for (const line of warn) logger.warn(line);
  return parsed;
}
