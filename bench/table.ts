// One row per connector run, and the plain-text table printed at the end of `npm run bench`.
import type { LimitBasis, Mode, RequestPlan, Scenario } from './limit-model.js';
import type { Front } from './record-counter.js';
import type { HotFunction } from './cpu-profile.js';

export interface BenchRow {
  n: number;
  mode: Mode;
  scenario: Scenario;
  /** The simulator's row cap of search pages carrying any field besides id/key (--field-caps). */
  fieldCap?: number;
  front: Front;
  status: 'ok' | 'failed' | 'timeout';
  problem?: string;
  wallS: number;
  limitS: number;
  limitBasis: LimitBasis;
  latencyLimitS: number;
  ratio: number;
  issuesPerS: number;
  requests: number;
  requestsPer1k: number;
  /** Requests answered 429 (counted in `requests`): the simulator's count when it reports statuses, else the connector's retry log. */
  http429: number;
  /** The fewest requests the strategy needs (the model's plan). */
  model: RequestPlan;
  /** Requests that got a non-429 answer ÷ model.total. */
  requestRatio: number;
  cpuS?: number;
  userCpuS?: number;
  systemCpuS?: number;
  issuesPerCpuS?: number;
  peakRssMb?: number;
  /** RSS at half the run (flatness check against the peak). */
  midRssMb?: number;
  records: number;
  uniqueIds: number;
  /** records ÷ unique ids (1 = no duplicates). */
  dupRatio: number;
  /** n − unique ids: issues never emitted. */
  missing: number;
  states: number;
  stdoutBytes: number;
  /** CPU seconds the simulator process used during the run (Linux only). */
  simCpuS?: number;
  /** CPU seconds the bench process (the stdout consumer) used during the run. */
  consumerCpuS?: number;
  /** Share of the host's CPU capacity that processes outside the benchmark used during the run (Linux). */
  othersCpuShare?: number;
  byEndpoint: Record<string, number>;
  rssSamples: Array<[number, number]>;
  profile?: { path: string; top: HotFunction[] };
  /** With --repeat: how many runs this row summarises (median-row.ts), and their range. */
  runs?: number;
  spread?: { wallS: [number, number]; cpuS?: [number, number] };
}

const columns: Array<[string, (r: BenchRow) => string]> = [
  ['N', (r) => r.n.toLocaleString('en-US')],
  ['scen', (r) => (r.fieldCap === undefined ? r.scenario : `${r.scenario} cap ${r.fieldCap}`)],
  ['front', (r) => r.front],
  ['runs', (r) => String(r.runs ?? 1)],
  ['wall s', (r) => r.wallS.toFixed(2)],
  ['limit s', (r) => r.limitS.toFixed(2)],
  ['basis', (r) => r.limitBasis],
  ['ratio', (r) => r.ratio.toFixed(2)],
  ['issues/s', (r) => Math.round(r.issuesPerS).toLocaleString('en-US')],
  ['requests', (r) => String(r.requests)],
  ['req/1k', (r) => r.requestsPer1k.toFixed(2)],
  ['req×min', (r) => r.requestRatio.toFixed(2)],
  ['429s', (r) => String(r.http429)],
  ['CPU s', (r) => fmt(r.cpuS, 2)],
  ['issues/CPU s', (r) => (r.issuesPerCpuS === undefined ? '-' : Math.round(r.issuesPerCpuS).toLocaleString('en-US'))],
  ['peak RSS MB', (r) => fmt(r.peakRssMb, 0)],
  ['sim CPU s', (r) => fmt(r.simCpuS, 1)],
  ['others %', (r) => (r.othersCpuShare === undefined ? '-' : (100 * r.othersCpuShare).toFixed(0))],
  ['dup ratio', (r) => r.dupRatio.toFixed(3)],
  ['status', (r) => (r.status === 'ok' ? 'ok' : `${r.status}${r.problem ? `: ${r.problem.slice(0, 60)}` : ''}`)],
];

function fmt(v: number | undefined, digits: number): string {
  return v === undefined ? '-' : v.toFixed(digits);
}

/** Right-aligned plain-text table; also valid Markdown (for the README). */
export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((r) => columns.map(([, f]) => f(r)));
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padStart(widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 1) + ':').join('|')}|`;
  return [line(columns.map(([h]) => h)), rule, ...cells.map(line)].join('\n');
}
