// Writes one JSON message per line to a stream (stdout in production), waiting for 'drain' when the
// reader is slower than we are, so memory stays flat however fast the source pages. Every line goes
// through the redactor: no secret reaches the output whatever message carries it. The one exception
// is writeUnredacted, for the Airbyte CONTROL message whose job is to carry rotated credentials.
//
// Lines are assembled as UTF-8 in one buffer: text straight in, and a RawJson value in a message (an
// issue's `fields` as Jira sent it) copied in as its bytes, not re-encoded (raw-json.ts). The
// redactor runs once over the buffer when it is written out (one byte search per secret form), with
// the redactor in force then, which is never weaker than the one in force when a line was added:
// it is only replaced once, after the config is read, and then only learns more secrets.
//
// Lines are coalesced into writes of about FLUSH_AT bytes: one write (a syscall on a pipe) per
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

/** Bytes buffered before a write: big enough to amortise the write, small next to the stream's own buffer. */
export const FLUSH_AT = 64 * 1024;

/** FLUSH_AT plus room for the line that crosses it (an issue is ~20 KB), so it rarely grows. */
const BUFFER_SIZE = FLUSH_AT + 48 * 1024;

export class NdjsonSink implements MessageSink {
  private closedError: OutputClosedError | undefined;
  /** Whole lines not yet written, assembled in place: [0, pos). Handed to the output on flush. */
  private buf: Buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private pos = 0;
  private flushQueued = false;

  /** Replaced once the config (and so the secrets) is known; applied when the buffered lines are written out. */
  redact: Redactor;

  constructor(
    private readonly out: Writable,
    redact: Redactor = noRedaction,
  ) {
    this.redact = redact;
    out.on('error', (err: Error) => (this.closedError = new OutputClosedError(err)));
  }

  async write(message: object): Promise<void> {
    this.checkOpen();
    this.putLine(message);
    if (this.pos >= FLUSH_AT) return this.flush();
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
    this.putText(`${JSON.stringify(doc, null, 2)}\n`);
    await this.flush();
  }

  /**
   * Only for a message that must carry secrets (CONTROL CONNECTOR_CONFIG): the lines before it go
   * out redacted, then it goes out alone, at once.
   */
  async writeUnredacted(message: object): Promise<void> {
    this.checkOpen();
    this.writeBuffered();
    this.putLine(message);
    this.out.write(this.take());
    await this.drained();
  }

  async flush(): Promise<void> {
    if (this.pos > 0) {
      this.checkOpen();
      this.writeBuffered();
    }
    await this.drained();
  }

  /**
   * The buffered lines, redacted by the redactor in force now (the config's, and every secret learned
   * so far): one search per secret over the whole buffer, which also catches a secret split across
   * a line's parts.
   */
  private writeBuffered(): void {
    if (this.pos > 0) this.out.write(redactBytes(this.redact, this.take()));
  }

  /**
   * The buffered bytes; the output keeps them, so the next line goes into a new buffer. (Reusing a
   * buffer once a socket has called back for it saved ~3 us an issue in a micro-bench, but in the
   * pinned bench it saved no CPU and raised peak RSS 10-15 %: fewer Buffer allocations, fewer GCs, so
   * response bodies lived longer.)
   */
  private take(): Buffer {
    const bytes = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(BUFFER_SIZE);
    this.pos = 0;
    return bytes;
  }

  private drained(): Promise<void> {
    if (!this.out.writableNeedDrain) return Promise.resolve();
    // 'error' and 'close' also end the wait: a closed pipe must not hang the run.
    return new Promise<void>((resolve, reject) => {
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

  private putLine(message: object): void {
    for (const part of stringifyParts(message)) {
      if (typeof part === 'string') this.putText(part);
      else {
        this.reserve(part.length);
        this.pos += part.copy(this.buf, this.pos);
      }
    }
    this.reserve(1);
    this.buf[this.pos++] = 0x0a;
  }

  private putText(text: string): void {
    // A UTF-16 unit takes at most 3 UTF-8 bytes; a long text is measured rather than over-reserved.
    this.reserve(text.length <= 16384 ? text.length * 3 : Buffer.byteLength(text, 'utf8'));
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** Grows the buffer (a copy) when a line does not fit; lines are never split between writes. */
  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
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
