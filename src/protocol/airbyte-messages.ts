// Constructors for the Airbyte messages this source emits (protocol v0.18.0; field names as on the
// wire, camelCase where the protocol says so).
import type { FailureType } from '../errors.js';
import type { JsonObject } from '../streams/stream.js';

export type AirbyteMessage = JsonObject & { type: string };
export type AirbyteLogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';

export function specMessage(documentationUrl: string, connectionSpecification: JsonObject, advancedAuth?: JsonObject): AirbyteMessage {
  return { type: 'SPEC', spec: { documentationUrl, connectionSpecification, ...(advancedAuth === undefined ? {} : { advanced_auth: advancedAuth }) } };
}

export function connectionStatusMessage(status: 'SUCCEEDED' | 'FAILED', message?: string): AirbyteMessage {
  return { type: 'CONNECTION_STATUS', connectionStatus: message === undefined ? { status } : { status, message } };
}

export function catalogMessage(streams: JsonObject[]): AirbyteMessage {
  return { type: 'CATALOG', catalog: { streams } };
}

/** `emittedAt` must be taken when the record is emitted (CAT compares it across reads). */
export function recordMessage(stream: string, data: JsonObject, emittedAt: number): AirbyteMessage {
  return { type: 'RECORD', record: { stream, data, emitted_at: Math.trunc(emittedAt) } };
}

export function streamStateMessage(stream: string, streamState: JsonObject, recordCount: number): AirbyteMessage {
  return {
    type: 'STATE',
    state: {
      type: 'STREAM',
      stream: { stream_descriptor: { name: stream }, stream_state: streamState },
      sourceStats: { recordCount },
    },
  };
}

/** The protocol's way to update the stored config (rotated OAuth tokens): the full new config. */
export function controlConfigMessage(config: JsonObject, emittedAt: number): AirbyteMessage {
  return { type: 'CONTROL', control: { type: 'CONNECTOR_CONFIG', emitted_at: Math.trunc(emittedAt), connectorConfig: { config } } };
}

export function logMessage(level: AirbyteLogLevel, message: string): AirbyteMessage {
  return { type: 'LOG', log: { level, message } };
}

export function streamStatusMessage(stream: string, status: StreamStatus, emittedAt: number): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: { type: 'STREAM_STATUS', emitted_at: emittedAt, stream_status: { stream_descriptor: { name: stream }, status } },
  };
}

export interface ErrorTraceOptions {
  internalMessage?: string;
  stackTrace?: string;
  stream?: string;
}

export function errorTraceMessage(
  message: string,
  failureType: FailureType,
  emittedAt: number,
  options: ErrorTraceOptions = {},
): AirbyteMessage {
  const error: JsonObject = { message, failure_type: failureType };
  if (options.internalMessage !== undefined) error.internal_message = options.internalMessage;
  if (options.stackTrace !== undefined) error.stack_trace = options.stackTrace;
  if (options.stream !== undefined) error.stream_descriptor = { name: options.stream };
  return { type: 'TRACE', trace: { type: 'ERROR', emitted_at: emittedAt, error } };
}
