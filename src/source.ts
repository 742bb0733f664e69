// The protocol-neutral core: check, and read (streams x plan x state -> listener). The fronts in
// src/protocol turn listener calls into Airbyte or Singer messages; nothing here knows either protocol.
import type { Config } from './config/config.js';
import { asConnectorError, OutputClosedError, type ConnectorError } from './errors.js';
import type { HttpClient, HttpDeps } from './http/http-client.js';
import type { Logger } from './logger.js';
import { projectRecord } from './protocol/select-fields.js';
import { midRunProof, ProvenStates } from './proven-states.js';
import type { JsonObject, Stream, StreamContext, SyncMode } from './streams/stream.js';

export interface SourceDeps {
  streams: Stream[];
  createHttp: (config: Config, deps: HttpDeps) => HttpClient;
  checkConnection: (http: HttpClient) => Promise<void>;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
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

export function describeSummary(s: StreamSummary): string {
  return `${s.records} records, ${s.states} states in ${s.seconds.toFixed(1)} s`;
}

export interface ReadResult {
  failed: string[];
}

async function withHttp<T>(config: Config, deps: SourceDeps, use: (http: HttpClient) => Promise<T>): Promise<T> {
  const http = deps.createHttp(config, { logger: deps.logger, clock: deps.clock, sleep: deps.sleep });
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

class StreamRun {
  private readonly started: number;
  private records = 0;
  private states = 0;
  private sinceState = 0;
  private lastState: string | undefined;

  constructor(
    private readonly p: PlannedStream,
    private readonly listener: ReadListener,
    private readonly clock: () => number,
  ) {
    this.started = clock();
  }

  summary(): StreamSummary {
    return { records: this.records, states: this.states, seconds: (this.clock() - this.started) / 1000 };
  }

  async run(ctx: BaseContext): Promise<void> {
    const { p, listener } = this;
    const state = p.syncMode === 'incremental' ? p.state : undefined;
    // Every STATE waits for proof that the answers it rests on were not Jira's anonymous view.
    const proven = new ProvenStates<JsonObject>(ctx.proveCredentials, (s) => this.emitState(s), this.clock, () => ctx.http.unidentifiedAnswers?.() ?? 0);
    try {
      for await (const event of p.stream.read({ ...ctx, syncMode: p.syncMode, state })) {
        if (event.type === 'record') {
          if (this.records === 0) await listener.firstRecord(p);
          this.records++;
          this.sinceState++;
          if (this.records % PROGRESS_EVERY === 0) ctx.logger.info(`${p.stream.name}: ${describeSummary(this.summary())} so far`);
          await listener.record(p, projectRecord(event.data, p.fields));
        } else if (event.type === 'state') {
          await proven.add(event.state);
        } else {
          const prefix = event.message.startsWith(`${p.stream.name}:`) ? '' : `${p.stream.name}: `;
          ctx.logger[event.level === 'WARN' ? 'warn' : 'info'](prefix + event.message);
        }
      }
      await proven.finish();
    } catch (err) {
      // A stream that fails still checkpoints what it emitted, if the credentials can still be proven.
      if (!(err instanceof OutputClosedError) && !proven.failedWith(err)) await proven.finish().catch(() => {});
      throw err;
    }
    // Every stream ends with a state, even one that yielded none (e.g. nothing new to read).
    if (this.lastState === undefined) await this.emitState(state ?? {});
  }

  private async emitState(state: JsonObject): Promise<void> {
    const json = JSON.stringify(state);
    if (json === this.lastState) return; // never the same state twice in a row
    this.lastState = json;
    await this.listener.state(this.p, state, this.sinceState);
    this.sinceState = 0;
    this.states++;
  }
}

/** Replaces p.stream by its prepared form; resolves to undefined. */
async function prepareStream(p: PlannedStream, ctx: Pick<StreamContext, 'config' | 'http' | 'logger'>): Promise<undefined> {
  if (p.stream.prepare) p.stream = await p.stream.prepare(ctx, p.catalogSchema);
  return undefined;
}

/**
 * Reads the planned streams one after another. A failing stream is reported and the next one runs
 * (one failing stream does not stop the run); the result lists the streams that failed.
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
    await deps.checkConnection(http);
    const proveCredentials = midRunProof(() => deps.checkConnection(http));
    const ctx = { config, http, logger: deps.logger, clock: deps.clock, sleep: deps.sleep, proveCredentials };
    for (const p of plan) {
      if (p.note !== undefined) deps.logger.info(p.note);
      // Before STARTED: Singer's SCHEMA names the columns prepare() finds. A failure fails this stream only.
      const prepared = await prepareStream(p, ctx).catch((err: unknown) => err);
      await listener.streamStarted(p);
      const run = new StreamRun(p, listener, deps.clock);
      try {
        if (prepared !== undefined) throw prepared;
        await run.run(ctx);
        await listener.streamSucceeded(p, run.summary());
      } catch (err) {
        if (err instanceof OutputClosedError) throw err; // nobody is listening any more
        failed.push(p.stream.name);
        await listener.streamFailed(p, asConnectorError(err), run.summary());
      }
    }
  });
  return { failed };
}
