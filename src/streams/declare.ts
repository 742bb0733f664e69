// listStream(spec) turns a declaration (name, key, Cloud and Data Center endpoints with their page
// shape, parent binding, status overrides) into a Stream. Paging and its loop safety live in
// jira/paging.ts, the status table in jira/status-policy.ts; this file only wires them: requests,
// the parent fan-out with bounded concurrency, skips counted and logged once, the closing STATE.
import { readFileSync } from 'node:fs';
import { ConnectorError } from '../errors.js';
import { HttpStatusError } from '../http/jira-error.js';
import { backoffMs } from '../http/retry-policy.js';
import { deploymentOf, type Deployment } from '../jira/deployment.js';
import type { Paging, Query } from '../jira/paging.js';
import { RETRY_ATTEMPTS, ruleFor, type StatusTable } from '../jira/status-policy.js';
import { mapOrdered } from './map-ordered.js';
import type { RunMemo } from './run-memo.js';
import type { JsonObject, Stream, StreamContext, StreamEvent } from './stream.js';

export interface Endpoint {
  /** `platform`: /rest/api/3 on Cloud, /rest/api/2 on Data Center; `agile`: /rest/agile/1.0 */
  api?: 'platform' | 'agile';
  /** below the API root; a function of the parent record for child streams */
  path: string | ((parent: JsonObject) => string);
  query?: Query | ((parent: JsonObject) => Query);
  paging: Paging;
  /** read instead when this endpoint answers 404 to its first request (a release that predates it) */
  fallback?: Endpoint;
  /** the endpoint stops at this many items in all, whatever the paging (a server limit): reaching it is a WARN saying `why` */
  stopsAt?: { items: number; why: string };
}

export interface ParentBinding {
  stream: ListStream;
  /** only the parents this holds for (e.g. scrum boards: kanban boards have no sprints) */
  when?: (parent: JsonObject) => boolean;
  /** child field <- parent field, copied onto every child record (e.g. board_id <- id) */
  fields: Record<string, string>;
}

export interface ListStreamSpec {
  name: string;
  /** top-level fields */
  primaryKey: string[];
  cloud: Endpoint;
  /** absent: Data Center has no such endpoint, and discover does not offer the stream there */
  datacenter?: Endpoint;
  parent?: ParentBinding;
  /** overrides of DEFAULT_STATUS_TABLE, e.g. {400: skip('a kanban board has no sprints')} */
  onStatus?: StatusTable;
  /** item -> record (default: the item itself); `parent`: the parent record of a child stream; `index`: the item's place in its answer */
  record?: (item: unknown, parent: JsonObject | undefined, deployment: Deployment, index: number) => JsonObject | undefined;
  /** records to leave out, e.g. projects outside the config's `projects` (Jira cannot filter them) */
  keep?: (record: JsonObject, ctx: StreamContext) => boolean;
  /** emit an item seen under several parents once (sprints shared by boards) */
  dedupe?: boolean;
}

export interface ListStream extends Stream {
  readonly spec: ListStreamSpec;
  /** the records alone, skips counted into `skips` (a child stream reads its parent this way) */
  records(ctx: StreamContext, skips: Skips): AsyncGenerator<JsonObject>;
}

/** The same endpoint on Cloud and Data Center (under each one's platform root). */
export const everywhere = (e: Endpoint): { cloud: Endpoint; datacenter: Endpoint } => ({ cloud: e, datacenter: e });

const API_ROOTS = { cloud: '/rest/api/3', datacenter: '/rest/api/2', agile: '/rest/agile/1.0' } as const;

/** Counts skipped requests per stream and reason, and notes limits met; one WARN per reason (or note) at the end of the stream. */
export class Skips {
  private counts = new Map<string, number>();
  private notes = new Set<string>();
  add(what: string): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
  }
  note(message: string): void {
    this.notes.add(message);
  }
  get any(): boolean {
    return this.counts.size > 0;
  }
  /** Adds what another reading counted (a parent list read once for the run, replayed to a child stream). */
  merge(other: Skips): void {
    for (const [what, n] of other.counts) this.counts.set(what, (this.counts.get(what) ?? 0) + n);
    for (const m of other.notes) this.notes.add(m);
  }
  warnings(stream: string): string[] {
    const skipped = [...this.counts].map(([what, n]) => `${stream}: skipped ${n} request(s) that Jira refused with ${what}; nothing else was left out.`);
    return [...skipped, ...[...this.notes].map((m) => `${stream}: ${m}`)];
  }
}

export function loadSchema(name: string): JsonObject {
  return JSON.parse(readFileSync(new URL(`../../../schemas/${name}.json`, import.meta.url), 'utf8')) as JsonObject;
}

/** Streams some other stream names as its parent: their records are read once per run and shared. */
const parents = new WeakSet<ListStream>();

/** The most records of one parent list kept for the run; a longer list is read again by each child. */
export const MAX_SHARED_PARENT_RECORDS = 10_000;

const resolve = <T>(v: T | ((p: JsonObject) => T), parent: JsonObject): T => (typeof v === 'function' ? (v as (p: JsonObject) => T)(parent) : v);

function defaultRecord(item: unknown): JsonObject | undefined {
  return item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as JsonObject) : undefined;
}

export function listStream(spec: ListStreamSpec): ListStream {
  const availableOn: Deployment[] = spec.datacenter ? ['cloud', 'datacenter'] : ['cloud'];
  const keyOf = (r: JsonObject) => JSON.stringify(spec.primaryKey.map((k) => r[k]));

  /** Every item of one endpoint call chain (all its pages), or none when its status says skip. */
  async function* fetchAll(ctx: StreamContext, parent: JsonObject, skips: Skips): AsyncGenerator<JsonObject[]> {
    const deployment = deploymentOf(ctx.config);
    const ep = deployment === 'cloud' ? spec.cloud : spec.datacenter;
    if (ep === undefined) {
      throw new ConnectorError(`the ${spec.name} stream needs Jira Cloud (Data Center has no endpoint for it); remove it from the catalog or run discover again`, 'config_error');
    }
    yield* fetchFrom(ctx, ep, deployment, parent, skips);
  }

  async function* fetchFrom(ctx: StreamContext, ep: Endpoint, deployment: Deployment, parent: JsonObject, skips: Skips): AsyncGenerator<JsonObject[]> {
    const path = `${ep.api === 'agile' ? API_ROOTS.agile : API_ROOTS[deployment]}${resolve(ep.path, parent)}`;
    const base = ep.query === undefined ? {} : resolve(ep.query, parent);
    const what = `GET ${path}`;
    const fetch = async (query: Query, next = false): Promise<unknown> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await ctx.http.json({ method: 'GET', path, query: { ...base, ...query }, priority: next });
        } catch (err) {
          if (ruleFor(err, spec.onStatus).action !== 'retry' || attempt >= RETRY_ATTEMPTS) throw err;
          await ctx.sleep(backoffMs(attempt, Math.random));
        }
      }
    };
    const pause = (attempt: number) => ctx.sleep(backoffMs(attempt, Math.random));
    let offset = 0;
    try {
      for await (const page of ep.paging.pages({ fetch, what, pause, prove: ctx.proveCredentials })) {
        const records: JsonObject[] = [];
        for (const [index, item] of page.entries()) {
          const r = (spec.record ?? defaultRecord)(item, spec.parent ? parent : undefined, deployment, offset + index);
          if (r === undefined) throw new ConnectorError(`Jira answered ${what} with an item that is not a JSON object (${JSON.stringify(item).slice(0, 80)}); this is a bug, please report it`, 'system_error');
          const bound: JsonObject = {};
          for (const [child, from] of Object.entries(spec.parent?.fields ?? {})) bound[child] = parent[from];
          const record = { ...r, ...bound };
          if (spec.keep?.(record, ctx) ?? true) records.push(record);
        }
        offset += page.length;
        yield records;
      }
    } catch (err) {
      if (ep.fallback !== undefined && offset === 0 && err instanceof HttpStatusError && err.status === 404) {
        skips.note(`${what} answered HTTP 404 (a Jira release without it), so the stream read the older endpoint instead`);
        yield* fetchFrom(ctx, ep.fallback, deployment, parent, skips);
        return;
      }
      const rule = ruleFor(err, spec.onStatus);
      if (!(err instanceof HttpStatusError)) throw err;
      if (rule.action === 'skip') return skips.add(`HTTP ${err.status} (${rule.reason})`);
      if (rule.action === 'fail' && rule.fix !== undefined) {
        throw new ConnectorError(`Jira answered ${err.status} to ${err.path} for the ${spec.name} stream (${err.said.replace(/\s+/g, ' ')}): ${rule.fix}.`, err.failureType, { internal: err.internal ?? '' });
      }
      throw err;
    }
    if (ep.stopsAt !== undefined && offset === ep.stopsAt.items) skips.note(`${what} returned exactly ${offset} items, its limit: ${ep.stopsAt.why}`);
  }

  /** Every record and skip of this stream, read once for the run when it is small enough to keep. */
  function shared(ctx: StreamContext, memo: RunMemo): Promise<{ records: JsonObject[]; skips: Skips } | undefined> {
    return memo.once(`list:${spec.name}`, async () => {
      const skips = new Skips();
      const all: JsonObject[] = [];
      for await (const r of own(ctx, skips)) {
        all.push(r);
        if (all.length > MAX_SHARED_PARENT_RECORDS) return undefined;
      }
      return { records: all, skips };
    });
  }

  async function* records(ctx: StreamContext, skips: Skips): AsyncGenerator<JsonObject> {
    if (ctx.memo !== undefined && parents.has(stream)) {
      const kept = await shared(ctx, ctx.memo);
      if (kept !== undefined) {
        skips.merge(kept.skips);
        yield* kept.records;
        return;
      }
    }
    yield* own(ctx, skips);
  }

  async function* own(ctx: StreamContext, skips: Skips): AsyncGenerator<JsonObject> {
    const seen = spec.dedupe ? new Set<string>() : undefined;
    const batches = spec.parent === undefined ? fetchAll(ctx, {}, skips) : fanOut(ctx, spec.parent, skips);
    for await (const batch of batches) {
      for (const r of batch) {
        if (seen) {
          const k = keyOf(r);
          if (seen.has(k)) continue;
          seen.add(k);
        }
        yield r;
      }
    }
  }

  /**
   * Children of every parent, emitted in parent order: the first pages of up to max_concurrency
   * parents are fetched at once, a parent's further pages when its turn comes, so memory holds a
   * page per parent in flight, never a whole large group or project.
   */
  async function* fanOut(ctx: StreamContext, binding: ParentBinding, skips: Skips): AsyncGenerator<JsonObject[]> {
    async function* parents() {
      for await (const p of binding.stream.records(ctx, skips)) if (binding.when?.(p) ?? true) yield p;
    }
    const firstPage = async (p: JsonObject) => {
      const pages = fetchAll(ctx, p, skips);
      return { pages, first: await pages.next() };
    };
    for await (const { pages, first } of mapOrdered(parents(), firstPage, ctx.config.max_concurrency)) {
      if (first.done) continue;
      yield first.value;
      yield* pages;
    }
  }

  async function* read(ctx: StreamContext): AsyncGenerator<StreamEvent> {
    const skips = new Skips();
    let count = 0;
    for await (const r of records(ctx, skips)) {
      count++;
      yield { type: 'record', data: r };
    }
    // Jira answers revoked credentials with the anonymous view, where every project or board is a
    // 404: a skip counts only once the credentials are proven to still work.
    if (skips.any) await ctx.proveCredentials();
    for (const message of skips.warnings(spec.name)) yield { type: 'log', level: 'WARN', message };
    // A full refresh has no cursor: its one STATE says the stream is complete, and like every STATE
    // it waits for proof the answers were authenticated (an empty anonymous view must not pass).
    yield { type: 'state', state: {} };
    yield { type: 'log', level: 'INFO', message: `${spec.name}: ${count} records emitted` };
  }

  const stream: ListStream = {
    name: spec.name,
    primaryKey: spec.primaryKey.map((k) => [k]),
    schema: loadSchema(spec.name),
    availableOn,
    readAhead: true,
    spec,
    records,
    read,
  };
  if (spec.parent !== undefined) parents.add(spec.parent.stream);
  return stream;
}
