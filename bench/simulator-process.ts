// The simulator as its own process (the jira-sim bin), so its CPU is never charged to the connector.
// Its first stdout line is its base URL; request counts come from its HTTP control surface.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { procCpuSeconds } from './proc-stats.js';
import { pinned } from './cpu-pinning.js';
import type { Mode } from './limit-model.js';

export interface SimSettings {
  issues: number;
  mode: Mode;
  seed: number;
  latencyMs: number;
  jitterMs: number;
  rateLimitRps?: number;
  /** jira-sim --field-page-cap and --per-row-ms */
  fieldPageCap?: number;
  perRowMs?: number;
  /** More jira-sim flags, e.g. the site's sizes (--projects 50 --users 500 …). */
  extraArgs?: string[];
  /** custom fields seeded beyond the simulator's fixed ones */
  extraCustomFields?: number;
}

export interface RequestTally {
  total: number;
  byStatus: Record<string, number>;
  /** "METHOD path" → count */
  byEndpoint: Record<string, number>;
}

export class SimulatorProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly stderrTail: () => string,
  ) {}

  /** `cpus`: taskset CPU list to run it on (undefined = anywhere). */
  static async start(bin: string, s: SimSettings, cpus?: string, timeoutMs = 600_000): Promise<SimulatorProcess> {
    const args = [bin, '--port', '0', '--seed', String(s.seed), '--issues', String(s.issues), '--mode', s.mode];
    args.push('--latency-ms', String(s.latencyMs), '--jitter-ms', String(s.jitterMs));
    if (s.rateLimitRps) args.push('--rate-limit-rps', String(s.rateLimitRps));
    if (s.fieldPageCap) args.push('--field-page-cap', String(s.fieldPageCap));
    if (s.perRowMs) args.push('--per-row-ms', String(s.perRowMs));
    args.push(...(s.extraArgs ?? []));
    if (s.extraCustomFields) args.push('--extra-custom-fields', String(s.extraCustomFields));
    const [command, argv] = pinned(cpus, process.execPath, args);
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const lines = createInterface({ input: child.stdout! });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`jira-sim did not print its URL within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve(line.trim());
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`jira-sim exited with ${code} before printing its URL\n${stderr}`));
      });
    });
    // Keep draining its stdout so it never blocks on a full pipe.
    lines.on('line', () => {});
    return new SimulatorProcess(url.replace(/\/$/, ''), child, () => stderr);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** CPU seconds the simulator has used so far (Linux only). */
  cpuSeconds(): number | undefined {
    return procCpuSeconds(this.pid);
  }

  /** GET /__sim/lists: per list stream, every row's key and the items per parent (the simulator's list-truth.ts). */
  async lists(): Promise<Record<string, { keys: string[][]; perParent?: Record<string, number | 'refused'> }>> {
    const res = await fetch(`${this.url}/__sim/lists`);
    if (!res.ok) throw new Error(`GET /__sim/lists answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, { keys: string[][]; perParent?: Record<string, number | 'refused'> }>;
  }

  async requests(): Promise<RequestTally> {
    const res = await fetch(`${this.url}/__sim/requests`);
    if (!res.ok) throw new Error(`GET /__sim/requests answered ${res.status}: ${await res.text()}`);
    return tallyRequests(await res.json());
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  stderr(): string {
    return this.stderrTail();
  }
}

/**
 * GET /__sim/requests answers {counts: {"METHOD route": n}, total, unrouted}. Status counts are used
 * when the simulator adds them (`byStatus`); otherwise 429s are counted from the connector's log.
 */
export function tallyRequests(body: unknown): RequestTally {
  const b = body as { counts?: Record<string, number>; total?: number; byStatus?: Record<string, number> } | null;
  if (!b || typeof b.counts !== 'object' || b.counts === null) throw new Error(`unexpected /__sim/requests body: ${JSON.stringify(body).slice(0, 200)}`);
  const byEndpoint = { ...b.counts };
  const total = typeof b.total === 'number' ? b.total : Object.values(byEndpoint).reduce((a, n) => a + n, 0);
  return { total, byStatus: { ...(b.byStatus ?? {}) }, byEndpoint };
}

/** Requests made between two tallies (the simulator's log only grows). */
export function diffTally(after: RequestTally, before: RequestTally): RequestTally {
  const sub = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
  return { total: after.total - before.total, byStatus: sub(after.byStatus, before.byStatus), byEndpoint: sub(after.byEndpoint, before.byEndpoint) };
}
