// Shared helpers for the simulator tests: start it in-process on 127.0.0.1:0 and talk real HTTP.
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator, SimulatorOptions, TruthIssue } from '../../src/simulator/index.js';

export const BASIC = 'Basic ' + Buffer.from('demo@example.com:demo-token').toString('base64');
export const WRONG_BASIC = 'Basic ' + Buffer.from('demo@example.com:not-the-token').toString('base64');
export const PAT = 'Bearer demo-pat';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export class Client {
  constructor(readonly sim: RunningSimulator, readonly auth: string | null = BASIC) {}

  async request(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.auth) headers.authorization = this.auth;
    if (body !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/json';
    const res = await fetch(this.sim.url + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }
  get(path: string, query: Record<string, string | number> = {}): Promise<Reply> {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
    return this.request('GET', qs ? `${path}?${qs}` : path);
  }
  post(path: string, body: unknown): Promise<Reply> {
    return this.request('POST', path, body);
  }
  /** Walk every page of /search/jql (GET), returning ids in order. */
  async searchAll(jql: string, extra: Record<string, string | number> = {}): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    for (let guard = 0; guard < 10_000; guard++) {
      const r = await this.get('/rest/api/3/search/jql', { jql, ...extra, ...(token ? { nextPageToken: token } : {}) });
      if (r.status !== 200) throw new Error(`search failed ${r.status}: ${r.text}`);
      ids.push(...r.json.issues.map((i: { id: string }) => i.id));
      if (r.json.isLast) return ids;
      token = r.json.nextPageToken;
    }
    throw new Error('search did not end');
  }
}

/** Fixed end of seeded history, so data is the same on every run. */
export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

export async function withSim(opts: SimulatorOptions, fn: (sim: RunningSimulator, c: Client) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ issues: 300, now: NOW, ...opts });
  try {
    await fn(sim, new Client(sim));
  } finally {
    await sim.close();
  }
}

/** Key order as Jira sorts it: project key, then number. */
export function keyCompare(a: TruthIssue, b: TruthIssue): number {
  if (a.projectKey !== b.projectKey) return a.projectKey < b.projectKey ? -1 : 1;
  return Number(a.key.split('-')[1]) - Number(b.key.split('-')[1]);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
