// The one ordered list of streams the connector offers.
import type { Stream } from './stream.js';

export function allStreams(): Stream[] {
  return [];
}
