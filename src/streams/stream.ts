// A stream is data (name, keys, cursor, schema) plus one async generator. The protocol fronts
// turn its events into RECORD/STATE messages, apply field selection and count records.
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { HttpClient } from '../http/http-client.js';
import type { Deployment } from '../jira/deployment.js';

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
}

/**
 * What a stream yields. A `state` event is a checkpoint: every record it covers has already been
 * yielded before it, and the value only moves forward.
 */
export type StreamEvent =
  | { type: 'record'; data: JsonObject }
  | { type: 'state'; state: JsonObject }
  | { type: 'log'; level: 'INFO' | 'WARN'; message: string };

/** What prepare() may use: the site, not a sync mode or a state. */
export type PrepareContext = Pick<StreamContext, 'config' | 'http' | 'logger'>;

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
  read(ctx: StreamContext): AsyncIterable<StreamEvent>;
  /**
   * For a stream whose columns depend on the site (issues: one per custom field): the stream to
   * discover or read, asking the site. `catalogSchema`: the schema the catalog holds for it
   * (undefined at discover, or when there is no catalog).
   */
  prepare?(ctx: PrepareContext, catalogSchema: JsonObject | undefined): Promise<Stream>;
}
