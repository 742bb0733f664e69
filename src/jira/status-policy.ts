// What a list stream does with an HTTP status that is still an error after the HTTP client's own
// retries (429 and 5xx, retry-policy.ts): a table, status -> fail / retry / skip, with per-stream
// overrides. Decided by the status field of HttpStatusError, never by message text.
import { HttpStatusError } from '../http/jira-error.js';

export type StatusRule =
  | { action: 'fail'; fix?: string }
  /** ask again, paced by the retry policy's backoff, up to RETRY_ATTEMPTS times in all */
  | { action: 'retry' }
  /** leave this request's items out: counted, and logged as one WARN with the count at the end of the stream */
  | { action: 'skip'; reason: string };

export type StatusTable = Readonly<Record<number, StatusRule>>;

export const RETRY_ATTEMPTS = 3;

export const fail = (fix?: string): StatusRule => (fix === undefined ? { action: 'fail' } : { action: 'fail', fix });
export const skip = (reason: string): StatusRule => ({ action: 'skip', reason });
export const retry = (): StatusRule => ({ action: 'retry' });

/**
 * The default: every client error fails the stream (the HTTP client's message names the fix; its
 * 400 speaks of the issues search, so a list stream says its own). A stream that may skip a status
 * says so in its declaration, with the reason that is logged.
 */
export const DEFAULT_STATUS_TABLE: StatusTable = {
  400: fail('Jira refused the request as invalid, so this site cannot serve the stream as asked; deselect the stream, or report it if it persists'),
  401: fail(),
  403: fail(),
  404: fail(),
};

export function ruleFor(err: unknown, overrides: StatusTable | undefined): StatusRule {
  if (!(err instanceof HttpStatusError)) return fail();
  return overrides?.[err.status] ?? DEFAULT_STATUS_TABLE[err.status] ?? fail();
}
