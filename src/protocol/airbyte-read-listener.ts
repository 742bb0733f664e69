// Turns read events into Airbyte messages: stream status traces (STARTED -> RUNNING -> COMPLETE, or
// INCOMPLETE + ERROR trace), RECORD, per-stream STATE with sourceStats, LOG progress lines.
import type { ConnectorError } from '../errors.js';
import type { Logger } from '../logger.js';
import { describeSummary, failureLine, SharedFailures, type PlannedStream, type ReadListener, type StreamSummary } from '../source.js';
import type { JsonObject } from '../streams/stream.js';
import { errorTraceMessage, recordMessage, streamStateMessage, streamStatusMessage } from './airbyte-messages.js';
import type { MessageSink } from './ndjson-sink.js';

export class AirbyteReadListener implements ReadListener {
  private readonly failures = new SharedFailures();

  constructor(
    private readonly sink: MessageSink,
    private readonly logger: Logger,
    private readonly clock: () => number,
  ) {}

  async streamStarted(p: PlannedStream): Promise<void> {
    const from = p.syncMode === 'incremental' && p.state ? 'from the saved state' : 'from start_date';
    this.logger.info(`${p.stream.name}: starting ${p.syncMode} read ${from}`);
    await this.sink.write(streamStatusMessage(p.stream.name, 'STARTED', this.clock()));
  }

  async firstRecord(p: PlannedStream): Promise<void> {
    await this.sink.write(streamStatusMessage(p.stream.name, 'RUNNING', this.clock()));
  }

  async record(p: PlannedStream, data: JsonObject): Promise<void> {
    await this.sink.write(recordMessage(p.stream.name, data, this.clock()));
  }

  async state(p: PlannedStream, state: JsonObject, recordCount: number): Promise<void> {
    await this.sink.write(streamStateMessage(p.stream.name, state, recordCount));
  }

  async streamSucceeded(p: PlannedStream, summary: StreamSummary): Promise<void> {
    this.logger.info(`${p.stream.name}: done, ${describeSummary(summary)}`);
    await this.sink.write(streamStatusMessage(p.stream.name, 'COMPLETE', this.clock()));
    await this.sink.flush?.(); // a stream's output is out before the next starts (and a closed pipe shows)
  }

  async streamFailed(p: PlannedStream, error: ConnectorError, summary: StreamSummary): Promise<void> {
    // The ERROR trace of each stream carries the error in full; the log line says it once.
    this.logger.error(failureLine(p, error, summary, this.failures.seen(p, error)));
    await this.sink.write(streamStatusMessage(p.stream.name, 'INCOMPLETE', this.clock()));
    const internal = error.internal === undefined ? {} : { internalMessage: error.internal };
    await this.sink.write(errorTraceMessage(error.message, error.failureType, this.clock(), { ...internal, stream: p.stream.name }));
    await this.sink.flush?.();
  }
}
