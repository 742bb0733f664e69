// Writes one JSON message per line to a stream (stdout in production), waiting for 'drain' when the
// reader is slower than we are, so memory stays flat however fast the source pages. Every line goes
// through the redactor: no secret reaches the output whatever message carries it. The one exception
// is writeUnredacted, for the Airbyte CONTROL message whose job is to carry rotated credentials.
//
// A RawJson value in a message (an issue's `fields` as Jira sent it) is written as its bytes, not
// re-encoded (raw-json.ts); the buffer then holds text and byte chunks, written out as one Buffer.
//
// Lines are coalesced into writes of about FLUSH_AT characters: one write (a syscall on a pipe) per
// record cost more CPU than stringifying it. Lines keep their order, so a STATE still reaches the
// output after the records it covers. Whatever is buffered goes out as soon as the event loop has
// nothing else to do (the pipeline waits on Jira), and on flush() before the process exits; a line
// lost to kill -9 before that was never covered by a written STATE, so it is read again on resume.
import type { Writable } from 'node:stream';
import { noRedaction, redactBytes, type Redactor } from '../config/redact.js';
import { OutputClosedError } from '../errors.js';
import { stringifyParts } from '../json/raw-json.js';

export interface MessageSink {
  /** Resolves once the line is accepted (buffered, or taken by the output after 'drain' if it was full). */
  write(message: object): Promise<void>;
  /** Hands every buffered line to the output; resolves after 'drain' if its buffer is full. */
  flush?(): Promise<void>;
}

/** Characters buffered before a write: big enough to amortise the write, small next to the stream's own buffer. */
export const FLUSH_AT = 64 * 1024;

export class NdjsonSink implements MessageSink {
  private closedError: OutputClosedError | undefined;
  /** Text not yet in `chunks`. */
  private text = '';
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private flushQueued = false;

  /** Replaced once the config (and so the secrets) is known. */
  redact: Redactor;

  constructor(
    private readonly out: Writable,
    redact: Redactor = noRedaction,
  ) {
    this.redact = redact;
    out.on('error', (err: Error) => (this.closedError = new OutputClosedError(err)));
  }

  async write(message: object, redact = true): Promise<void> {
    this.checkOpen();
    const scrub = redact ? this.redact : noRedaction;
    for (const part of stringifyParts(message)) {
      if (typeof part === 'string') this.text += scrub(part);
      else this.pushBytes(redactBytes(scrub, part));
    }
    this.text += '\n';
    if (this.text.length + this.chunkBytes >= FLUSH_AT) return this.flush();
    if (!this.flushQueued) {
      this.flushQueued = true;
      // setImmediate runs once the pending promise callbacks are done, i.e. when the run waits on I/O.
      setImmediate(() => {
        this.flushQueued = false;
        this.flush().catch(() => {}); // a closed output surfaces on the next awaited write
      });
    }
  }

  /**
   * One JSON document over several lines (Singer discover's catalog), written out at once. Meltano
   * reads a tap's discover output line by line, with a cap of 64 KiB a line, which a catalog of 30
   * streams with typed columns passes on one line.
   */
  async writeDocument(doc: object): Promise<void> {
    this.checkOpen();
    this.text += `${this.redact(JSON.stringify(doc, null, 2))}\n`;
    await this.flush();
  }

  /** Only for a message that must carry secrets (CONTROL CONNECTOR_CONFIG); written out at once. */
  async writeUnredacted(message: object): Promise<void> {
    await this.write(message, false);
    await this.flush();
  }

  async flush(): Promise<void> {
    if (this.text !== '' || this.chunks.length > 0) {
      this.checkOpen();
      let chunk: string | Buffer = this.text;
      if (this.chunks.length > 0) {
        this.moveTextToChunks();
        chunk = Buffer.concat(this.chunks, this.chunkBytes);
      }
      this.text = '';
      this.chunks = [];
      this.chunkBytes = 0;
      this.out.write(chunk);
    }
    if (!this.out.writableNeedDrain) return;
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

  private pushBytes(bytes: Buffer): void {
    this.moveTextToChunks();
    this.chunks.push(bytes);
    this.chunkBytes += bytes.length;
  }

  private moveTextToChunks(): void {
    if (this.text === '') return;
    const text = Buffer.from(this.text, 'utf8');
    this.text = '';
    this.chunks.push(text);
    this.chunkBytes += text.length;
  }

  private checkOpen(): void {
    if (this.closedError) throw this.closedError;
    if (this.out.errored) throw new OutputClosedError(this.out.errored);
    if (this.out.destroyed || this.out.writableEnded) throw new OutputClosedError();
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
