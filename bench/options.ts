// Command-line options of `npm run bench -- …` and the run plan they select.
import { parseArgs } from 'node:util';
import type { Mode, Scenario } from './limit-model.js';
import type { Front } from './record-counter.js';

export interface BenchOptions {
  /** (N, scenario) pairs to run, in order; each runs once per front. */
  plan: Array<{ n: number; scenario: Scenario; fieldCap?: number }>;
  fronts: Front[];
  mode: Mode;
  latencyMs: number;
  jitterMs: number;
  /** Simulator latency per issue a reply carries (ms). */
  perRowMs: number;
  rateLimitRps: number;
  consumerBytesPerSecond: number;
  cpuTargetPerSecond: number;
  maxRunSeconds: number;
  pageSize?: number;
  maxConcurrency?: number;
  seed: number;
  /** Custom fields the simulator seeds beyond its fixed ones (one typed column each). */
  customFields: number;
  /** Read with the typed custom-field columns left out of the catalog (deselected), to cost them. */
  noTypedColumns: boolean;
  cpuProf: boolean;
  /** Runs per (N, scenario, front); the table shows their median (median-row.ts). */
  repeat: number;
  /** Connector on CPU 0, simulator and consumer on the others (cpu-pinning.ts). */
  pin: boolean;
  /** Extra node flags for the connector process, e.g. --max-old-space-size=128. */
  nodeArgs: string[];
  out?: string;
  /** Run the list-stream scenario of issue 9 (catalog-run.ts) instead of the issues scenarios. */
  catalog: boolean;
  /** Run the history scenario of issue 10 (history-run.ts) instead: issues alone, then with the history streams. */
  history: boolean;
  /** Run the bins of another checkout (built), e.g. to measure before and after a change. */
  connectorDir?: string;
}

export const usage = `usage: npm run bench -- [options]
  --quick                     10k issues, every scenario (about two minutes)
  --catalog                   instead: a full refresh of every stream but issues on a site of 10k issues,
                              50 projects, 500 users, 40 boards, 400 sprints, 200 versions (Cloud)
  --history                   instead: issues alone, then issues with every history stream (changelogs, comments,
                              worklogs, deletions), on a site of 10k issues (--sizes for others) at --latency-ms;
                              requests beyond issues per stream beside the N+1 count and issue 10's budgets
  --connector-dir DIR         run the connector bins of another (built) checkout, e.g. a before/after
  --sizes 10000,100000        issue counts (default: 10k and 100k for every scenario, plus 1M for a and c)
  --scenarios a,b,c,d         a latency only, b latency + rate limit (429s), c zero latency (CPU-bound),
                              d latency + a consumer reading stdout at --consumer-bps
  --fronts airbyte,singer     which CLI fronts to run (default both)
  --mode cloud|datacenter     simulator deployment (default cloud)
  --latency-ms 100            mean per-request latency; --jitter-ms (default 20 % of it)
  --field-caps 100,1000        run each (N, scenario) with the simulator capping search pages that carry any
                              field besides id/key at each of these rows (default: no such cap)
  --per-row-ms 0.05           simulator latency added per issue a reply carries (default 0)
  --rate-limit-rps 20         scenario b's allowed requests per second
  --consumer-bps 2000000      scenario d's stdout read rate (bytes/s)
  --cpu-target 20000          scenario c's target issues/s on one core (its "limit")
  --max-run-s 900             kill a single connector run after this many seconds
  --page-size N --max-concurrency N   passed into the connector config (default: its own defaults)
  --repeat 1                  runs per row; the table shows the median wall and CPU and the highest peak RSS
  --pin                       connector alone on CPU 0, simulator and consumer on the other CPUs (Linux, taskset)
  --custom-fields 50          seed 50 more custom fields (ten common types in turn) on top of the simulator's own
  --no-typed-columns          leave the typed custom-field columns out of the read's catalog (their cost = with - without)
  --seed 1  --cpu-prof (write and summarise a CPU profile per run)  --out file.json
  --node-arg=--max-old-space-size=128   extra node flag for the connector process (repeatable)`;

const allScenarios: Scenario[] = ['a', 'b', 'c', 'd'];

function list(text: string, what: string): string[] {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new Error(`--${what} is empty`);
  return items;
}

function int(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return v;
}

/** Parses size lists like "10000,100k,1M". */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.replace(/_/g, ''));
  if (!m) throw new Error(`bad size "${text}" (use e.g. 10000, 100k, 1M)`);
  const mult = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[m[2]!]!;
  return Math.round(Number(m[1]) * mult);
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      catalog: { type: 'boolean' },
      history: { type: 'boolean' },
      'connector-dir': { type: 'string' },
      sizes: { type: 'string' },
      scenarios: { type: 'string' },
      fronts: { type: 'string' },
      mode: { type: 'string' },
      'latency-ms': { type: 'string' },
      'jitter-ms': { type: 'string' },
      'field-caps': { type: 'string' },
      'per-row-ms': { type: 'string' },
      'rate-limit-rps': { type: 'string' },
      'consumer-bps': { type: 'string' },
      'cpu-target': { type: 'string' },
      'max-run-s': { type: 'string' },
      'page-size': { type: 'string' },
      'max-concurrency': { type: 'string' },
      seed: { type: 'string' },
      'custom-fields': { type: 'string' },
      'no-typed-columns': { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      repeat: { type: 'string' },
      pin: { type: 'boolean' },
      'node-arg': { type: 'string', multiple: true },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (v.help) throw new Error(usage);

  const scenarios = v.scenarios ? list(v.scenarios, 'scenarios') : undefined;
  for (const s of scenarios ?? []) if (!allScenarios.includes(s as Scenario)) throw new Error(`unknown scenario "${s}" (a, b, c or d)`);
  const sizes = v.sizes ? list(v.sizes, 'sizes').map(parseSize) : undefined;

  let plan: BenchOptions['plan'];
  if (v.history) {
    plan = (sizes ?? [10_000]).map((n) => ({ n, scenario: 'a' as Scenario }));
  } else if (sizes || scenarios) {
    plan = (sizes ?? [10_000, 100_000]).flatMap((n) => ((scenarios ?? allScenarios) as Scenario[]).map((scenario) => ({ n, scenario })));
  } else if (v.quick) {
    plan = allScenarios.map((scenario) => ({ n: 10_000, scenario }));
  } else {
    plan = [10_000, 100_000].flatMap((n) => allScenarios.map((scenario) => ({ n, scenario })));
    plan.push({ n: 1_000_000, scenario: 'a' }, { n: 1_000_000, scenario: 'c' });
  }

  if (v['field-caps']) {
    const caps = list(v['field-caps'], 'field-caps').map((c) => int(c, 'field-caps', 1)!);
    plan = plan.flatMap((p) => caps.map((fieldCap) => ({ ...p, fieldCap })));
  }
  const perRowMs = Number(v['per-row-ms'] ?? 0);
  if (!Number.isFinite(perRowMs) || perRowMs < 0) throw new Error(`--per-row-ms must be a number ≥ 0, got "${v['per-row-ms']}"`);

  const fronts = (v.fronts ? list(v.fronts, 'fronts') : ['airbyte', 'singer']) as Front[];
  for (const f of fronts) if (f !== 'airbyte' && f !== 'singer') throw new Error(`unknown front "${f}" (airbyte or singer)`);
  const mode = (v.mode ?? 'cloud') as Mode;
  if (mode !== 'cloud' && mode !== 'datacenter') throw new Error(`unknown mode "${mode}" (cloud or datacenter)`);
  const latencyMs = int(v['latency-ms'], 'latency-ms', 0) ?? 100;

  return {
    plan,
    fronts,
    mode,
    latencyMs,
    jitterMs: int(v['jitter-ms'], 'jitter-ms', 0) ?? Math.round(latencyMs * 0.2),
    perRowMs,
    rateLimitRps: int(v['rate-limit-rps'], 'rate-limit-rps', 1) ?? 20,
    consumerBytesPerSecond: int(v['consumer-bps'], 'consumer-bps', 1) ?? 2_000_000,
    cpuTargetPerSecond: int(v['cpu-target'], 'cpu-target', 1) ?? 20_000,
    maxRunSeconds: int(v['max-run-s'], 'max-run-s', 1) ?? 900,
    pageSize: int(v['page-size'], 'page-size', 1),
    maxConcurrency: int(v['max-concurrency'], 'max-concurrency', 1),
    seed: int(v.seed, 'seed', 0) ?? 1,
    customFields: int(v['custom-fields'], 'custom-fields', 0) ?? 0,
    noTypedColumns: v['no-typed-columns'] ?? false,
    cpuProf: v['cpu-prof'] ?? false,
    repeat: int(v.repeat, 'repeat', 1) ?? 1,
    pin: v.pin ?? false,
    nodeArgs: v['node-arg'] ?? [],
    out: v.out,
    catalog: v.catalog ?? false,
    history: v.history ?? false,
    connectorDir: v['connector-dir'],
  };
}
