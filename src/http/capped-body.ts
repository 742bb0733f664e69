// Reads a response body into one Buffer, but never more than a cap: an answer of hundreds of MB
// (a proxy's dump, a misbehaving server) would otherwise be held whole and grow the process to GBs.
// Over the cap the body is destroyed, which aborts the request and closes its connection.
import type { Readable } from 'node:stream';
import { ConnectorError } from '../errors.js';

/** Every response body together may hold about this much (max_concurrency answers in flight, plus bodies held ahead). */
export const RESPONSE_MEMORY_BUDGET = 64 * 1024 * 1024;
const MIN_CAP = 1024 * 1024;
/** A JSON answer is parsed into several times its size: even alone, one may not be larger than this. */
const MAX_CAP = 16 * 1024 * 1024;

/** The most one answer may hold when up to `maxConcurrency` are in flight at once. */
export function responseCapBytes(maxConcurrency: number): number {
  return Math.min(MAX_CAP, Math.max(MIN_CAP, Math.floor(RESPONSE_MEMORY_BUDGET / maxConcurrency)));
}

/** An answer larger than the cap. Callers that can ask for less (fewer ids, a smaller page) catch it and do. */
export class ResponseTooLargeError extends ConnectorError {
  constructor(
    readonly capBytes: number,
    method: string,
    path: string,
    readonly maxConcurrency: number,
  ) {
    super(
      `Jira's answer to ${method} ${path} is larger than ${mb(capBytes)} MB, the most one response may hold with max_concurrency ${maxConcurrency}: ` +
        'lower page_size (or max_concurrency, which lets each response hold more), or check what answers in front of the site.',
      'config_error',
    );
    this.name = 'ResponseTooLargeError';
  }
}

export const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);

/** Marks the rejection of readCappedBody when the cap was passed (the caller knows the request to name). */
export const OVER_CAP = Symbol('over cap');

/**
 * Resolves with the whole body, or rejects with OVER_CAP as soon as it is known to exceed `cap`
 * (from Content-Length before reading anything, else once the bytes read pass it).
 */
export function readCappedBody(body: Readable, cap: number, contentLength: string | string[] | undefined): Promise<Buffer> {
  const declared = typeof contentLength === 'string' ? Number(contentLength) : NaN;
  if (declared > cap) {
    body.destroy();
    body.on('error', () => {}); // the abort this causes is expected
    return Promise.reject(OVER_CAP);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= cap) return void chunks.push(chunk);
      chunks.length = 0;
      reject(OVER_CAP);
      body.destroy();
    });
    body.on('error', reject); // after OVER_CAP, the abort's error changes nothing
    // One chunk is used as it is: no copy on the hot path (what undici hands out is not reused).
    body.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
  });
}
