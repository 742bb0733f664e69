// What a CLI run needs from outside: the streams, the HTTP client and the check, the clock. Tests
// pass their own (a test stream, a frozen clock); the entry points pass the real ones.
import type { Writable } from 'node:stream';
import { createHttpClient } from '../http/http-client.js';
import { checkConnection } from '../jira/check-connection.js';
import type { SourceDeps } from '../source.js';
import { allStreams } from '../streams/registry.js';

export type CliDeps = Omit<SourceDeps, 'logger'>;

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  /**
   * Lets the run install its last-resort reporter for errors nobody awaited (the entry point wires it
   * to process events), so even a crash prints one redacted line in the protocol's form.
   */
  onFatal?: (report: (err: unknown) => Promise<void>) => void;
}

export function defaultDeps(): CliDeps {
  return {
    streams: allStreams(),
    createHttp: createHttpClient,
    checkConnection,
    clock: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
