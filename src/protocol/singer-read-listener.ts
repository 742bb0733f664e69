// Turns read events into Singer messages: SCHEMA before a stream's first RECORD, RECORD with
// time_extracted, STATE {"bookmarks": ...} carrying every stream's bookmark plus currently_syncing.
import type { ConnectorError } from '../errors.js';
import type { Logger } from '../logger.js';
import { describeSummary, failureLine, SharedFailures, type PlannedStream, type ReadListener, type StreamSummary } from '../source.js';
import type { JsonObject } from '../streams/stream.js';
import type { MessageSink } from './ndjson-sink.js';
import { projectSchema } from './select-fields.js';
import { schemaToFront, toFront } from './deletion-marker.js';
import { recordMessage, schemaMessage, stateMessage } from './singer-messages.js';

export class SingerReadListener implements ReadListener {
  private lastState: string | undefined;
  private readonly failures = new SharedFailures();

  /** `state` is the parsed input state; it is updated as bookmarks move. */
  constructor(
    private readonly sink: MessageSink,
    private readonly logger: Logger,
    private readonly clock: () => number,
    private readonly stateValue: JsonObject = { bookmarks: {} },
  ) {}

  async streamStarted(p: PlannedStream): Promise<void> {
    const from = p.syncMode === 'incremental' && p.state ? 'from the saved bookmark' : 'from start_date';
    this.logger.info(`${p.stream.name}: starting ${p.syncMode} sync ${from}`);
    const keys = p.stream.primaryKey.map((k) => k[0]!);
    const bookmarks = p.stream.cursorField ? [p.stream.cursorField[0]!] : [];
    await this.sink.write(schemaMessage(p.stream.name, schemaToFront('singer', projectSchema(p.stream.schema, p.fields)), keys, bookmarks));
  }

  async firstRecord(): Promise<void> {}

  async record(p: PlannedStream, data: JsonObject): Promise<void> {
    await this.sink.write(recordMessage(p.stream.name, toFront('singer', data), this.clock()));
  }

  async state(p: PlannedStream, state: JsonObject): Promise<void> {
    (this.stateValue.bookmarks as JsonObject)[p.stream.name] = state;
    this.stateValue.currently_syncing = p.stream.name;
    await this.emit();
  }

  async streamSucceeded(p: PlannedStream, summary: StreamSummary): Promise<void> {
    this.logger.info(`${p.stream.name}: done, ${describeSummary(summary)}`);
    delete this.stateValue.currently_syncing;
    await this.emit();
    await this.sink.flush?.(); // a stream's output is out before the next starts (and a closed pipe shows)
  }

  async streamFailed(p: PlannedStream, error: ConnectorError, summary: StreamSummary): Promise<void> {
    this.logger.error(failureLine(p, error, summary, this.failures.seen(p, error)));
    await this.sink.flush?.();
  }

  private async emit(): Promise<void> {
    const json = JSON.stringify(this.stateValue);
    if (json === this.lastState) return;
    this.lastState = json;
    await this.sink.write(stateMessage(JSON.parse(json) as JsonObject));
  }
}
