// The real process streams, plus a last-resort handler: an error nobody awaited is reported once in
// the protocol's form (redacted by the run's reporter) and ends the process with exit 1.
import type { CliIo } from './cli-deps.js';

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    onFatal(report) {
      let reported = false;
      const fatal = (err: unknown): void => {
        if (reported) return;
        reported = true;
        void report(err).finally(() => process.exit(1));
      };
      process.on('uncaughtException', fatal);
      process.on('unhandledRejection', fatal);
    },
  };
}
