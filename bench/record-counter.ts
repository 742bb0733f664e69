// Counts what a connector writes to stdout: records, unique ids, STATE messages and error traces.
// Fed raw chunks so the byte count is exact; lines are split here, not by the caller. Record ids are
// peeked from the bytes (json-peek.ts); other messages, and every 64th record, are parsed in full.
import { peekJson } from './json-peek.js';

export type Front = 'airbyte' | 'singer';

export interface OutputCounts {
  bytes: number;
  lines: number;
  records: number;
  uniqueIds: number;
  states: number;
  /** Lines that are not JSON objects (a protocol violation). */
  badLines: number;
  /** Airbyte TRACE errors, Singer has none on stdout. First message kept for the report. */
  errors: number;
  firstError?: string;
  /** Airbyte LOG messages reporting a retried HTTP 429 (the connector's own view of rate limiting). */
  logged429: number;
  /** With stream '*': records per stream (every stream counted, no ids). */
  byStream?: Record<string, number>;
}

/** How the connector's retry log line names a 429 ("… HTTP 429 on try n, retrying …"). */
export const LOGGED_429 = /\bHTTP 429\b/;

/** Every this many records one is parsed in full, so a malformed record stream is still noticed. */
const FULL_PARSE_EVERY = 64;

export class RecordCounter {
  private readonly ids = new Set<string>();
  private pending: Buffer | undefined;
  private sinceFullParse = 0;
  private readonly c: OutputCounts = { bytes: 0, lines: 0, records: 0, uniqueIds: 0, states: 0, badLines: 0, errors: 0, logged429: 0 };
  private readonly idPath: string[];
  private readonly streamPath: string[];

  /** `stream`: whose records are counted by id; '*' counts every stream's records per stream instead. */
  constructor(private readonly front: Front, private readonly stream = 'issues') {
    this.idPath = front === 'airbyte' ? ['record', 'data', 'id'] : ['record', 'id'];
    this.streamPath = front === 'airbyte' ? ['record', 'stream'] : ['stream'];
  }

  push(chunk: Buffer): void {
    this.c.bytes += chunk.length;
    // Lines split on the byte 0x0a, which never occurs inside a multi-byte UTF-8 sequence.
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let start = 0;
    let nl: number;
    while ((nl = buf.indexOf(0x0a, start)) >= 0) {
      this.line(buf.subarray(start, nl));
      start = nl + 1;
    }
    this.pending = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
  }

  end(): OutputCounts {
    const rest = this.pending;
    this.pending = undefined;
    if (rest && rest.toString('utf8').trim() !== '') this.line(rest);
    return this.counts();
  }

  counts(): OutputCounts {
    return { ...this.c, uniqueIds: this.ids.size };
  }

  private line(line: Buffer): void {
    if (line.length === 0) return;
    this.c.lines++;
    // A line not ending in '}' (cut off, concatenated) always gets the full parse that rejects it.
    if (this.stream === '*' && line[line.length - 1] === 0x7d && peekJson(line, ['type']) === 'RECORD' && ++this.sinceFullParse < FULL_PARSE_EVERY) {
      const name = peekJson(line, this.streamPath);
      if (typeof name === 'string') return this.counted(name);
    }
    if (this.stream !== '*' && line[line.length - 1] === 0x7d && peekJson(line, ['type']) === 'RECORD' && ++this.sinceFullParse < FULL_PARSE_EVERY) {
      const id = peekJson(line, this.idPath);
      if (id !== undefined) {
        if (peekJson(line, this.streamPath) === this.stream) this.record(id);
        return;
      }
    }
    this.sinceFullParse = 0;
    let m: any;
    try {
      m = JSON.parse(line.toString('utf8'));
    } catch {
      this.c.badLines++;
      return;
    }
    if (m === null || typeof m !== 'object' || Array.isArray(m)) {
      this.c.badLines++;
      return;
    }
    if (m.type === 'RECORD' && this.stream === '*') this.counted(String(this.front === 'airbyte' ? m.record?.stream : m.stream));
    else if (m.type === 'RECORD') {
      const id = this.front === 'airbyte' ? (m.record?.stream === this.stream ? m.record.data?.id : undefined) : m.stream === this.stream ? m.record?.id : undefined;
      if (id !== undefined) this.record(String(id));
    } else if (m.type === 'STATE') this.c.states++;
    else if (m.type === 'LOG' && LOGGED_429.test(String(m.log?.message))) this.c.logged429++;
    else if (m.type === 'TRACE' && m.trace?.type === 'ERROR') {
      this.c.errors++;
      this.c.firstError ??= String(m.trace.error?.message ?? 'unknown error');
    }
  }

  /** Counts a record of any stream (stream '*'). */
  private counted(stream: string): void {
    this.c.records++;
    const by = (this.c.byStream ??= {});
    by[stream] = (by[stream] ?? 0) + 1;
  }

  private record(id: string): void {
    this.c.records++;
    this.ids.add(id);
  }
}
