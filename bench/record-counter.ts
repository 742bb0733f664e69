// Counts what a connector writes to stdout: records, unique ids, STATE messages and error traces.
// Fed raw chunks so the byte count is exact; lines are split here, not by the caller.
import { StringDecoder } from 'node:string_decoder';

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
}

/** How the connector's retry log line names a 429 ("… HTTP 429 on try n, retrying …"). */
export const LOGGED_429 = /\bHTTP 429\b/;

export class RecordCounter {
  private readonly decoder = new StringDecoder('utf8');
  private readonly ids = new Set<string>();
  private pending = '';
  private readonly c: OutputCounts = { bytes: 0, lines: 0, records: 0, uniqueIds: 0, states: 0, badLines: 0, errors: 0, logged429: 0 };

  constructor(private readonly front: Front, private readonly stream = 'issues') {}

  push(chunk: Buffer): void {
    this.c.bytes += chunk.length;
    const text = this.pending + this.decoder.write(chunk);
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) >= 0) {
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    this.pending = text.slice(start);
  }

  end(): OutputCounts {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (rest.trim() !== '') this.line(rest);
    return this.counts();
  }

  counts(): OutputCounts {
    return { ...this.c, uniqueIds: this.ids.size };
  }

  private line(line: string): void {
    if (line === '') return;
    this.c.lines++;
    let m: any;
    try {
      m = JSON.parse(line);
    } catch {
      this.c.badLines++;
      return;
    }
    if (m === null || typeof m !== 'object' || Array.isArray(m)) {
      this.c.badLines++;
      return;
    }
    if (m.type === 'RECORD') {
      const id = this.front === 'airbyte' ? (m.record?.stream === this.stream ? m.record.data?.id : undefined) : m.stream === this.stream ? m.record?.id : undefined;
      if (id === undefined) return;
      this.c.records++;
      this.ids.add(String(id));
    } else if (m.type === 'STATE') this.c.states++;
    else if (m.type === 'LOG' && LOGGED_429.test(String(m.log?.message))) this.c.logged429++;
    else if (m.type === 'TRACE' && m.trace?.type === 'ERROR') {
      this.c.errors++;
      this.c.firstError ??= String(m.trace.error?.message ?? 'unknown error');
    }
  }
}
