// Transport-level misbehaviour, as proxies and broken servers show it: a redirect, a replaced answer
// (an HTML login page, plain text, an empty body), a missing Content-Type, a body dripped one byte at
// a time, a huge padded answer. Padding is streamed with backpressure and never built in memory, and
// every stream stops as soon as the client goes away.
import type { ServerResponse } from 'node:http';
import type { SimReply } from './http-io.js';
import type { FaultOptions } from './types.js';

/** An answer ready to send (simulator.ts builds it from a SimReply). */
export interface EncodedReply {
  status: number;
  type: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Counts matching requests and faulted answers (afterRequests, maxFaults); configuring faults again starts both over. */
export class FaultCounter {
  private countedFor: FaultOptions | undefined;
  private seen = 0;
  private used = 0;

  /** The faults that may apply to this request, or undefined. */
  forRequest(f: FaultOptions | undefined, path: string): FaultOptions | undefined {
    if (f !== this.countedFor) {
      this.countedFor = f;
      this.seen = 0;
      this.used = 0;
    }
    if (f === undefined || !matchesPath(f, path)) return undefined;
    if (++this.seen <= (f.afterRequests ?? 0)) return undefined;
    if (f.maxFaults !== undefined && this.used >= f.maxFaults) return undefined;
    return f;
  }

  count(): void {
    this.used++;
  }
}

function matchesPath(f: FaultOptions, path: string): boolean {
  return !f.paths || f.paths.length === 0 || f.paths.some((p) => path.startsWith(p));
}

/** A reply that stands in for the real answer (a redirect, a replaced body), or undefined. */
export function replacedReply(f: FaultOptions, pathAndQuery: string): SimReply | undefined {
  if (f.redirectTo !== undefined) {
    return { status: 302, text: '', contentType: 'text/plain', headers: { Location: `${f.redirectTo.replace(/\/+$/, '')}${pathAndQuery}` } };
  }
  if (f.replaceWith !== undefined) {
    const r = f.replaceWith;
    return { status: r.status ?? 200, text: r.body, contentType: r.contentType === null ? '' : (r.contentType ?? 'text/html;charset=UTF-8') };
  }
  return undefined;
}

/** Whether the answer is sent in some other way than written whole (so it counts as a fault). */
export function altersSending(f: FaultOptions): boolean {
  return (f.dripMs ?? 0) > 0 || (f.padBytes ?? 0) > 0 || (f.padBytesPerIssue ?? 0) > 0 || f.dropContentType === true;
}

/** Sends `e` as the faults say. `issueCount` scales padBytesPerIssue. */
export function sendWithFaults(res: ServerResponse, e: EncodedReply, f: FaultOptions, issueCount: number): void {
  const headers: Record<string, string | number> = { ...e.headers };
  if (f.dropContentType !== true && e.type !== '') headers['Content-Type'] = e.type;
  const parts = paddedParts(e, f, issueCount);
  if (parts.length === 1) headers['Content-Length'] = e.body.length;
  res.writeHead(e.status, headers); // padded: chunked, so the client cannot tell the size up front
  let gone = false;
  res.once('close', () => (gone = true));
  const dripMs = f.dripMs ?? 0;
  void (async () => {
    for (const part of parts) {
      if (typeof part === 'number') await writePadding(res, part, () => gone);
      else if (dripMs > 0) {
        for (let i = 0; i < part.length && !gone; i++) {
          res.write(part.subarray(i, i + 1));
          await new Promise((r) => setTimeout(r, dripMs));
        }
      } else if (!gone && !res.write(part)) await drained(res);
      if (gone) return;
    }
    res.end();
  })().catch(() => res.destroy());
}

const FIELDS = Buffer.from('"fields":{');

/** The body as pieces, a number standing for that many padding bytes: one leading member, or one custom field in each issue. */
function paddedParts(e: EncodedReply, f: FaultOptions, issueCount: number): Array<Buffer | number> {
  const ok = e.status >= 200 && e.status < 300 && e.body[0] === 0x7b;
  const perIssue = f.padBytesPerIssue ?? 0;
  if (ok && f.padIssueFields === true && perIssue > 0) {
    const parts: Array<Buffer | number> = [];
    let from = 0;
    for (let at = e.body.indexOf(FIELDS); at >= 0; at = e.body.indexOf(FIELDS, from)) {
      const cut = at + FIELDS.length;
      parts.push(e.body.subarray(from, cut), Buffer.from('"customfield_19999":"'), perIssue, Buffer.from(e.body[cut] === 0x7d ? '"' : '",'));
      from = cut;
    }
    return parts.length === 0 ? [e.body] : [...parts, e.body.subarray(from)];
  }
  const pad = (f.padBytes ?? 0) + perIssue * issueCount;
  if (!ok || pad === 0) return [e.body];
  return [Buffer.from('{"_padding":"'), pad, Buffer.from(e.body.length > 2 ? '",' : '"'), e.body.subarray(1)];
}

const PAD_CHUNK = Buffer.alloc(64 * 1024, 'x');

async function writePadding(res: ServerResponse, bytes: number, gone: () => boolean): Promise<void> {
  for (let left = bytes; left > 0 && !gone(); left -= PAD_CHUNK.length) {
    if (!res.write(left >= PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.subarray(0, left))) await drained(res);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
