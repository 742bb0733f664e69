// Logs never go to stdout directly: the Airbyte front turns them into LOG messages, the Singer front
// writes them to stderr. Every line passes through the redactor built from the config's secrets.
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
