// The two ways logs leave the connector: Airbyte LOG messages on stdout, or text lines on stderr
// (Singer). Both pass through the redactor (the Airbyte one via its sink).
import type { Redactor } from '../config/redact.js';
import type { Logger, LogLevel } from '../logger.js';
import { logMessage } from './airbyte-messages.js';
import type { MessageSink } from './ndjson-sink.js';

const oneLine = (message: string): string => message.replace(/\s*\n\s*/g, ' | ');

/** `debug` may be a function: the CLI learns about --debug after the logger exists. */
export type DebugSwitch = boolean | (() => boolean);

function levelLogger(emit: (level: LogLevel, message: string) => void, debug: DebugSwitch): Logger {
  const isDebug = typeof debug === 'function' ? debug : () => debug;
  return {
    debug: (m) => isDebug() && emit('DEBUG', m),
    info: (m) => emit('INFO', m),
    warn: (m) => emit('WARN', m),
    error: (m) => emit('ERROR', m),
  };
}

/** LOG messages, written in order with the other messages; a failed write surfaces on the next awaited one. */
export function airbyteLogger(sink: MessageSink, debug: DebugSwitch = false): Logger {
  return levelLogger((level, message) => void sink.write(logMessage(level, oneLine(message))).catch(() => {}), debug);
}

/** `LEVEL message` lines, as Singer taps log to stderr. */
export function textLogger(writeLine: (line: string) => void, redact: Redactor, debug: DebugSwitch = false): Logger {
  return levelLogger((level, message) => writeLine(redact(`${level} ${oneLine(message)}`)), debug);
}
