// The one ordered list of streams the connector offers.
import type { Stream } from './stream.js';
import { issuesStream } from './issues.js';

export function allStreams(): Stream[] {
  return [issuesStream];
}
