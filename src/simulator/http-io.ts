// The simulator's HTTP plumbing: a parsed request, a reply value, and errors in Jira's envelope.
import type { IncomingMessage } from 'node:http';

export type Principal = 'user' | 'anonymous';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined without a JSON body. */
  body: unknown;
  hasJsonBody: boolean;
  contentType: string;
  principal: Principal;
  /** Path parameters captured by the route. */
  params: string[];
  /** REST API version in the path ('2' or '3'); agile routes say '3'. */
  api: '2' | '3';
}

export interface SimReply {
  status: number;
  json?: unknown;
  /** A body already serialized as JSON (fast paths that assemble issue JSON text). */
  raw?: string;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Issues in the answer (search and bulkfetch), for padding proportional to them (transport-faults.ts). */
  issueCount?: number;
}

/** An error answered with Jira's `{errorMessages, errors}` envelope. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly errors: Record<string, string> = {}) {
    super(message);
  }
  reply(): SimReply {
    return { status: this.status, json: { errorMessages: this.message ? [this.message] : [], errors: this.errors } };
  }
}

/** An error that is answered with a ready reply (e.g. the gateway's problem+json 415). */
export class ReplyError extends Error {
  constructor(readonly replyValue: SimReply) {
    super(`HTTP ${replyValue.status}`);
  }
}

export function unsupportedMediaType(req: SimRequest): ReplyError {
  return new ReplyError({
    status: 415,
    contentType: 'application/problem+json',
    json: { title: 'Unsupported Media Type', detail: `Content-Type '${req.contentType || 'null'}' is not supported.`, instance: req.path },
  });
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}

export function notFoundIssue(): HttpError {
  return new HttpError(404, 'Issue does not exist or you do not have permission to see it.');
}

/** The JSON object body of a POST: 415 without a JSON content type, 400 on an unknown property. */
export function fromBody(req: SimRequest, allowed: Set<string>, name: string): Record<string, unknown> {
  if (!req.hasJsonBody) throw unsupportedMediaType(req);
  const b = req.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw badRequest(`Request body must be a JSON object (${name}).`);
  for (const k of Object.keys(b)) {
    if (!allowed.has(k)) throw badRequest(`Unrecognized field "${k}" (class ${name}), not marked as ignorable.`);
  }
  return b as Record<string, unknown>;
}

export function stringList(v: unknown, name: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.split(',');
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw badRequest(`Cannot deserialize value of '${name}': expected a list of strings.`);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Integer query parameter with a default; a non-integer is a 400 as in Jira. */
export function intParam(q: URLSearchParams, name: string, dflt: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return dflt;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`The value '${raw}' is not a valid number for the parameter '${name}'.`);
  return Number(raw);
}

/** Multi-valued list parameter: repeated and/or comma separated. */
export function listParam(q: URLSearchParams, name: string): string[] | undefined {
  const all = q.getAll(name);
  if (!all.length) return undefined;
  return all.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

export function pageBean(self: string, startAt: number, maxResults: number, total: number, values: unknown[]): Record<string, unknown> {
  const isLast = startAt + values.length >= total;
  const out: Record<string, unknown> = { self, maxResults, startAt, total, isLast, values };
  if (!isLast) {
    const u = new URL(self);
    u.searchParams.set('startAt', String(startAt + values.length));
    u.searchParams.set('maxResults', String(maxResults));
    out.nextPage = u.toString();
  }
  return out;
}

const ISSUES_SLOT = '"@@issues@@"';

/** JSON text of `envelope` with `issues` set to the given pre-serialized issue bodies, in order. */
export function withIssues(envelope: Record<string, unknown>, issues: string[]): string {
  const text = JSON.stringify({ ...envelope, issues: '@@issues@@' });
  const at = text.indexOf(ISSUES_SLOT);
  // One join of a flat list; String.replace would also expand `$` patterns in the bodies.
  return [text.slice(0, at), '[', issues.join(','), ']', text.slice(at + ISSUES_SLOT.length)].join('');
}
