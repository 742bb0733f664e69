// A test double of our own Stream interface (not a library mock): it yields a scripted list of events,
// records what context it was given, and can fail at a chosen point.
import type { HttpClient } from '../../src/http/http-client.js';
import type { CliDeps } from '../../src/cli/cli-deps.js';
import { ConnectorError } from '../../src/errors.js';
import type { JsonObject, Stream, StreamContext, StreamEvent } from '../../src/streams/stream.js';

export const testSchema: JsonObject = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    key: { type: 'string' },
    updated: { type: 'string', format: 'date-time' },
    summary: { type: ['null', 'string'] },
    status: { type: ['null', 'string'] },
  },
};

export type Step = StreamEvent | { type: 'fail'; error: Error };

export class ScriptedStream implements Stream {
  readonly primaryKey = [['id']];
  readonly cursorField = ['updated'];
  readonly schema = testSchema;
  readonly contexts: StreamContext[] = [];

  constructor(
    readonly name: string,
    private readonly steps: Step[],
  ) {}

  async *read(ctx: StreamContext): AsyncIterable<StreamEvent> {
    this.contexts.push(ctx);
    for (const step of this.steps) {
      await Promise.resolve();
      if (step.type === 'fail') throw step.error;
      yield step;
    }
  }
}

export function issue(n: number, extra: JsonObject = {}): JsonObject {
  return {
    id: String(10000 + n),
    key: `PROJ-${n}`,
    updated: new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString(),
    summary: `issue ${n}`,
    status: 'Open',
    ...extra,
  };
}

export const rec = (n: number, extra?: JsonObject): StreamEvent => ({ type: 'record', data: issue(n, extra) });
export const st = (cursor: string): StreamEvent => ({ type: 'state', state: { cursor } });

export interface FakeHttpLog {
  created: number;
  closed: number;
}

/** Deps for an in-process CLI run: our streams, a frozen clock, and a check outcome. */
export function testDeps(streams: Stream[], opts: { check?: Error | 'ok'; now?: number } = {}): CliDeps & { http: FakeHttpLog } {
  const http: FakeHttpLog = { created: 0, closed: 0 };
  let now = opts.now ?? Date.UTC(2024, 5, 1);
  return {
    http,
    streams,
    createHttp: (): HttpClient => {
      http.created++;
      return {
        async json() {
          throw new ConnectorError('no HTTP in this test', 'system_error');
        },
        async close() {
          http.closed++;
        },
      };
    },
    async checkConnection() {
      if (opts.check !== undefined && opts.check !== 'ok') throw opts.check;
    },
    clock: () => now++,
    sleep: async () => {},
  };
}
