// In-memory stdout/stderr for running the CLI mains in-process.
import { Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/cli-deps.js';

export interface MemoryIo extends CliIo {
  out(): string;
  err(): string;
  /** stdout parsed as NDJSON (throws on a line that is not JSON). */
  messages(): Record<string, any>[];
}

export function memoryIo(): MemoryIo {
  let out = '';
  let err = '';
  const stdout = new Writable({ write: (chunk, _enc, cb) => ((out += String(chunk)), cb()) });
  const stderr = new Writable({ write: (chunk, _enc, cb) => ((err += String(chunk)), cb()) });
  return {
    stdout,
    stderr,
    out: () => out,
    err: () => err,
    messages: () => out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>),
  };
}
