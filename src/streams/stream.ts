// A stream is data (name, keys, cursor, schema) plus one async generator. The protocol fronts
// turn its events into RECORD/STATE messages, apply field selection and count records.
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { HttpClient } from '../http/http-client.js';
import type { Deployment } from '../jira/deployment.js';
import type { Front } from '../protocol/deletion-marker.js';
import type { RunMemo } from './run-memo.js';

export type JsonObject = Record<string, unknown>;
export type SyncMode = 'full_refresh' | 'incremental';

export interface StreamContext {
  config: Config;
  http: HttpClient;
  logger: Logger;
  /** Epoch milliseconds; injected so tests can freeze time. */
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Proves the credentials still work; throws a config_error naming the problem when they stopped. */
  proveCredentials: () => Promise<void>;
  syncMode: SyncMode;
  /** This stream's saved state (the inner stream_state / Singer bookmark), or undefined. */
  state: JsonObject | undefined;
  signal?: AbortSignal;
  /** Lists shared by the streams of one run (a parent read once for all its child streams); absent outside a run. */
  memo?: RunMemo;
  /** The protocol front reading: only for the column a tombstone carries (protocol/deletion-marker.ts). */
  front?: Front;
}

/**
 * What a stream yields. A `state` event is a checkpoint: every record it covers has already been
 * yielded before it, and the value only moves forward.
 */
export type StreamEvent =
  | { type: 'record'; data: JsonObject; stream?: string }
  | { type: 'state'; state: JsonObject; stream?: string }
  | { type: 'log'; level: 'INFO' | 'WARN'; message: string; stream?: string };

/**
 * One read that serves several streams at once (e.g. the issues walk and the streams derived from the
 * issue bodies it fetches): every record and state event names its stream (`stream`). The source reads
 * the planned streams of one family that start from equal states with one call (see walk-family.ts).
 */
export interface SharedRead {
  /** streams with the same family may be read together */
  readonly family: string;
  /** `streams`: the streams to serve (as planned: a prepared stream carries what prepare found) */
  read(ctx: StreamContext, streams: readonly Stream[]): AsyncIterable<StreamEvent>;
}

/** What prepare() may use: the site, not a sync mode or a state. */
export type PrepareContext = Pick<StreamContext, 'config' | 'http' | 'logger'> & { memo?: StreamContext['memo']; front?: StreamContext['front'] };

export interface Stream {
  /** snake_case name on the wire */
  readonly name: string;
  /** paths, Airbyte style: [["id"]] */
  readonly primaryKey: string[][];
  /** path of the cursor field, e.g. ["updated"]; absent for full-refresh-only streams */
  readonly cursorField?: string[];
  readonly schema: JsonObject;
  /** Where Jira has the endpoints this stream reads; absent: Cloud and Data Center. Discover offers it nowhere else. */
  readonly availableOn?: readonly Deployment[];
  /** What it reads, for the README's streams table (list streams derive theirs from their declaration). */
  readonly endpoints?: { cloud: string; datacenter?: string };
  /** Full refresh events that may be read before the stream's turn and held (bounded) until it comes: small, stateless streams. */
  readonly readAhead?: boolean;
  read(ctx: StreamContext): AsyncIterable<StreamEvent>;
  /** Set when the stream can be read together with others of its family in one pass. */
  readonly shared?: SharedRead;
  /**
   * For a stream whose columns depend on the site (issues: one per custom field): the stream to
   * discover or read, asking the site. `catalogSchema`: the schema the catalog holds for it
   * (undefined at discover, or when there is no catalog).
   */
  prepare?(ctx: PrepareContext, catalogSchema: JsonObject | undefined): Promise<Stream>;
}
