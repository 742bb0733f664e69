// The protocol-neutral core: check, and read (streams x plan x state -> listener). The fronts in
// src/protocol turn listener calls into Airbyte or Singer messages; nothing here knows either protocol.
import type { Config } from './config/config.js';
import { asConnectorError, OutputClosedError, type ConnectorError } from './errors.js';
import type { HttpClient, HttpDeps } from './http/http-client.js';
import type { Logger } from './logger.js';
import { projectRecord } from './protocol/select-fields.js';
import { midRunProof, ProvenStates } from './proven-states.js';
import { readUnits } from './shared-reads.js';
import { ReadAhead } from './streams/read-ahead.js';
import { RunMemo } from './streams/run-memo.js';
import type { JsonObject, PrepareContext, Stream, StreamContext, StreamEvent, SyncMode } from './streams/stream.js';

export interface SourceDeps {
  streams: Stream[];
  createHttp: (config: Config, deps: HttpDeps) => HttpClient;
  checkConnection: (http: HttpClient) => Promise<void>;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  /** Told every secret met at run time (tokens the OAuth token endpoint sends), so no output shows it. */
  learnSecret?: (secret: string) => void;
  /** Persists rotated OAuth credentials: a CONTROL message (Airbyte) or the config file rewritten (Singer). */
  persistCredentials?: (credentials: Record<string, unknown>) => Promise<void>;
}

/** One stream to read, as the catalog and state files asked for it. */
export interface PlannedStream {
  stream: Stream;
  syncMode: SyncMode;
  /** Top-level fields to keep; undefined keeps every field. */
  fields?: ReadonlySet<string>;
  /** Saved state; ignored in full_refresh. */
  state?: JsonObject;
  /** Said once (INFO) before the stream is read, e.g. why its sync mode differs from the catalog's. */
  note?: string;
  /** The stream's schema as the catalog holds it: a stream with prepare() reads the columns it lists. */
  catalogSchema?: JsonObject;
}

export interface StreamSummary {
  records: number;
  states: number;
  seconds: number;
}

/** What a protocol front does with the events of a read. Every call is awaited (backpressure). */
export interface ReadListener {
  streamStarted(p: PlannedStream): Promise<void>;
  /** Once per stream, just before its first record. */
  firstRecord(p: PlannedStream): Promise<void>;
  record(p: PlannedStream, data: JsonObject): Promise<void>;
  /** `recordCount`: records of this stream since its previous state. */
  state(p: PlannedStream, state: JsonObject, recordCount: number): Promise<void>;
  streamSucceeded(p: PlannedStream, summary: StreamSummary): Promise<void>;
  streamFailed(p: PlannedStream, error: ConnectorError, summary: StreamSummary): Promise<void>;
}

/**
 * The log line of a failed stream. Streams read by one shared read fail with the same error: it is
 * said in full once, the others point to it (`failedBefore`: the stream that reported it first).
 */
export function failureLine(p: PlannedStream, error: ConnectorError, summary: StreamSummary, failedBefore: string | undefined): string {
  const what = failedBefore === undefined ? error.message : `the same error as ${failedBefore} (read by the same walk), see above`;
  return `${p.stream.name}: failed after ${describeSummary(summary)}: ${what}`;
}

/** Remembers which stream reported an error object first, for failureLine. */
export class SharedFailures {
  private first = new WeakMap<ConnectorError, string>();
  /** the stream that reported this error before, or undefined (and p is remembered) */
  seen(p: PlannedStream, error: ConnectorError): string | undefined {
    const before = this.first.get(error);
    if (before === undefined) this.first.set(error, p.stream.name);
    return before;
  }
}

export function describeSummary(s: StreamSummary): string {
  return `${s.records} records, ${s.states} states in ${s.seconds.toFixed(1)} s`;
}

export interface ReadResult {
  failed: string[];
}

async function withHttp<T>(config: Config, deps: SourceDeps, use: (http: HttpClient) => Promise<T>): Promise<T> {
  const { logger, clock, sleep, learnSecret, persistCredentials } = deps;
  const http = deps.createHttp(config, { logger, clock, sleep, learnSecret, persistCredentials });
  try {
    return await use(http);
  } finally {
    await http.close();
  }
}

/** Resolves when the credentials authenticate; throws a ConnectorError (config_error for bad credentials). */
export async function check(config: Config, deps: SourceDeps): Promise<void> {
  await withHttp(config, deps, (http) => deps.checkConnection(http));
}

/**
 * The streams as the site has them: a stream whose columns depend on the site (prepare) asks it, so
 * discover needs working credentials, proven first (Jira's anonymous view would type nothing).
 */
export async function discover(config: Config, streams: Stream[], deps: SourceDeps): Promise<Stream[]> {
  return withHttp(config, deps, async (http) => {
    await deps.checkConnection(http);
    const ctx = { config, http, logger: deps.logger };
    const out: Stream[] = [];
    for (const s of streams) out.push(s.prepare ? await s.prepare(ctx, undefined) : s);
    return out;
  });
}

/** A progress log line every this many records of a stream. */
export const PROGRESS_EVERY = 10_000;

type BaseContext = Omit<StreamContext, 'syncMode' | 'state'>;

/** One planned stream's counters and its STATE rule (never the same state twice in a row). */
class StreamRun {
  private readonly started: number;
  records = 0;
  private states = 0;
  private sinceState = 0;
  lastState: string | undefined;

  /** `ahead`: the stream was read ahead of its turn, and its seconds are those of its own reading. */
  constructor(
    readonly p: PlannedStream,
    private readonly listener: ReadListener,
    private readonly clock: () => number,
    private readonly ahead?: ReadAhead,
  ) {
    this.started = ahead?.startedAt ?? clock();
  }

  summary(): StreamSummary {
    return { records: this.records, states: this.states, seconds: ((this.ahead?.finishedAt ?? this.clock()) - this.started) / 1000 };
  }

  async record(data: JsonObject, logger: Logger): Promise<void> {
    if (this.records === 0) await this.listener.firstRecord(this.p);
    this.records++;
    this.sinceState++;
    if (this.records % PROGRESS_EVERY === 0) logger.info(`${this.p.stream.name}: ${describeSummary(this.summary())} so far`);
    await this.listener.record(this.p, projectRecord(data, this.p.fields));
  }

  async emitState(state: JsonObject): Promise<void> {
    const json = JSON.stringify(state);
    if (json === this.lastState) return; // never the same state twice in a row
    this.lastState = json;
    await this.listener.state(this.p, state, this.sinceState);
    this.sinceState = 0;
    this.states++;
  }
}

/** Replaces p.stream by its prepared form; resolves to undefined. */
async function prepareStream(p: PlannedStream, ctx: PrepareContext): Promise<undefined> {
  if (p.stream.prepare) p.stream = await p.stream.prepare(ctx, p.catalogSchema);
  return undefined;
}

/** Prepares a unit's streams in order, stopping at the first failure; resolves to that failure (undefined: all prepared). */
async function prepareUnit(unit: readonly PlannedStream[], ctx: PrepareContext): Promise<unknown> {
  for (const p of unit) {
    const failure = await prepareStream(p, ctx).catch((err: unknown) => err);
    if (failure !== undefined) return failure;
  }
  return undefined;
}

/**
 * Reads one unit of the plan: a stream alone, or several streams of one family from one shared read
 * (shared-reads.ts), each event going to the stream it names.
 */
class UnitRun {
  readonly runs: StreamRun[];

  /** `ahead`: a one-stream unit read ahead of its turn (read-ahead.ts). */
  constructor(
    private readonly unit: PlannedStream[],
    listener: ReadListener,
    private readonly clock: () => number,
    private readonly ahead?: ReadAhead,
  ) {
    this.runs = unit.map((p) => new StreamRun(p, listener, clock, ahead));
  }

  async run(ctx: BaseContext): Promise<void> {
    const first = this.unit[0]!;
    const state = first.syncMode === 'incremental' ? first.state : undefined;
    const byName = new Map(this.runs.map((r) => [r.p.stream.name, r]));
    const label = this.runs.map((r) => r.p.stream.name).join(', ');
    // Every STATE waits for proof that the answers it rests on were not Jira's anonymous view.
    const proven = new ProvenStates<{ run: StreamRun; state: JsonObject }>(ctx.proveCredentials, (s) => s.run.emitState(s.state), this.clock, () => ctx.http.unidentifiedAnswers?.() ?? 0);
    const streamCtx = { ...ctx, syncMode: first.syncMode, state };
    const events: AsyncIterable<StreamEvent> =
      this.ahead?.events() ?? (this.unit.length === 1 ? first.stream.read(streamCtx) : first.stream.shared!.read(streamCtx, this.unit.map((p) => p.stream)));
    try {
      for await (const event of events) {
        const run = event.stream === undefined ? this.runs[0]! : byName.get(event.stream);
        if (run === undefined) throw new Error(`a read for ${label} yielded an event for stream ${event.stream}`);
        if (event.type === 'record') {
          await run.record(event.data, ctx.logger);
        } else if (event.type === 'state') {
          await proven.add({ run, state: event.state });
        } else {
          const named = event.message.startsWith(`${run.p.stream.name}:`) || event.message.startsWith(`${label}:`);
          ctx.logger[event.level === 'WARN' ? 'warn' : 'info']((named ? '' : `${run.p.stream.name}: `) + event.message);
        }
      }
      await proven.finish();
    } catch (err) {
      // A stream that fails still checkpoints what it emitted, if the credentials can still be proven.
      if (!(err instanceof OutputClosedError) && !proven.failedWith(err)) await proven.finish().catch(() => {});
      throw err;
    }
    // Every stream ends with a state, even one that yielded none (e.g. nothing new to read).
    for (const run of this.runs) if (run.lastState === undefined) await run.emitState(state ?? {});
  }
}

/** Streams whose events may be read before their turn: full refresh, stateless, declared readAhead. */
const readsAhead = (p: PlannedStream) => p.stream.readAhead === true && p.syncMode === 'full_refresh';

/**
 * Reads the planned streams one after another (streams that share a read, together: see
 * shared-reads.ts). A failing stream is reported and the next one runs (one failing stream does not
 * stop the run); the result lists the streams that failed. Streams that allow it are read ahead of
 * their turn, so their round trips overlap (read-ahead.ts), and parents read by several child
 * streams are read once per run (run-memo.ts).
 */
export async function read(config: Config, plan: PlannedStream[], deps: SourceDeps, listener: ReadListener): Promise<ReadResult> {
  const failed: string[] = [];
  if (plan.length === 0) {
    deps.logger.warn('the catalog selects no streams; nothing to read');
    return { failed };
  }
  await withHttp(config, deps, async (http) => {
    // Jira answers wrong credentials with an anonymous view: a search would succeed with zero issues
    // and move the cursor past everything. So the credentials are proven first (one /myself call).
    // The first unit's preparation (GET /field for the typed columns) rides beside that call, unless
    // its answer may still change the route (cloud_route auto): it emits nothing, and its result is
    // used only once the proof has succeeded.
    const proveCredentials = midRunProof(() => deps.checkConnection(http));
    const ctx: BaseContext = { config, http, logger: deps.logger, clock: deps.clock, sleep: deps.sleep, proveCredentials, memo: new RunMemo() };
    const units = readUnits(plan);
    const proof = deps.checkConnection(http);
    const early = http.routeOpen?.() === true ? proof.then(() => prepareUnit(units[0]!, ctx)) : prepareUnit(units[0]!, ctx);
    early.catch(() => {}); // awaited below, after the proof
    await proof;
    const ahead = new Map<PlannedStream, ReadAhead>();
    try {
      for (const [i, unit] of units.entries()) {
        for (const later of units.slice(i + 1)) {
          const q = later[0]!;
          if (later.length === 1 && readsAhead(q) && !ahead.has(q)) ahead.set(q, new ReadAhead(q.stream.read({ ...ctx, syncMode: q.syncMode, state: undefined })[Symbol.asyncIterator](), undefined, deps.clock));
        }
        // Before STARTED: Singer's SCHEMA names the columns prepare() finds. A failure fails its unit only.
        const prepared = await (i === 0 ? early : prepareUnit(unit, ctx));
        for (const p of unit) {
          if (p.note !== undefined) deps.logger.info(p.note);
          await listener.streamStarted(p);
        }
        const readAhead = unit.length === 1 ? ahead.get(unit[0]!) : undefined;
        const run = new UnitRun(unit, listener, deps.clock, readAhead);
        try {
          if (prepared !== undefined) throw prepared;
          await run.run(ctx);
          for (const r of run.runs) await listener.streamSucceeded(r.p, r.summary());
        } catch (err) {
          if (err instanceof OutputClosedError) throw err; // nobody is listening any more
          const error = asConnectorError(err); // one object for every stream of the unit (see failureLine)
          for (const r of run.runs) {
            failed.push(r.p.stream.name);
            await listener.streamFailed(r.p, error, r.summary());
          }
        } finally {
          if (unit.length === 1) ahead.delete(unit[0]!);
        }
      }
    } finally {
      // The run ended before their turn (the output closed): stop what is still being read.
      for (const a of ahead.values()) a.stop();
    }
  });
  return { failed };
}
