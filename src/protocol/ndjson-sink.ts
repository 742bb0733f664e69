// Writes one JSON message per line to a stream (stdout in production), waiting for 'drain' when the
// reader is slower than we are, so memory stays flat however fast the source pages. Every line goes
// through the redactor: no secret reaches the output whatever message carries it.
import type { Writable } from 'node:stream';
import { noRedaction, type Redactor } from '../config/redact.js';
import { OutputClosedError } from '../errors.js';

export interface MessageSink {
  /** Resolves once the line is accepted by the output (after 'drain' if its buffer was full). */
  write(message: object): Promise<void>;
}

export class NdjsonSink implements MessageSink {
  private closedError: OutputClosedError | undefined;

  /** Replaced once the config (and so the secrets) is known. */
  redact: Redactor;

  constructor(
    private readonly out: Writable,
    redact: Redactor = noRedaction,
  ) {
    this.redact = redact;
    out.on('error', (err: Error) => (this.closedError = new OutputClosedError(err)));
  }

  async write(message: object): Promise<void> {
    if (this.closedError) throw this.closedError;
    if (this.out.destroyed || this.out.writableEnded) throw new OutputClosedError();
    if (this.out.write(this.redact(JSON.stringify(message)) + '\n')) return;
    // 'error' and 'close' also end the wait: a closed pipe must not hang the run.
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        this.out.off('drain', onDrain).off('error', onError).off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = (): void => done();
      const onError = (err: Error): void => done(new OutputClosedError(err));
      const onClose = (): void => done(new OutputClosedError());
      this.out.on('drain', onDrain).on('error', onError).on('close', onClose);
    });
  }
}

/** Collects messages in memory; for tests and for the demo summary. */
export class MemorySink implements MessageSink {
  readonly messages: Record<string, any>[] = [];

  constructor(private readonly redact: Redactor = noRedaction) {}

  async write(message: object): Promise<void> {
    this.messages.push(JSON.parse(this.redact(JSON.stringify(message))) as Record<string, any>);
  }
}
