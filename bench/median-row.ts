// `--repeat K`: one table row from K runs of the same (N, scenario, front). Wall and CPU times on a
// small shared VM vary by ±20 % from run to run, so the row shows the median of each, the derived
// ratios recomputed from those medians, the highest peak RSS (memory targets are about the worst
// case) and the first problem any run had.
import type { BenchRow } from './table.js';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function defined(values: Array<number | undefined>): number[] | undefined {
  return values.every((v): v is number => v !== undefined) ? values : undefined;
}

export function medianRow(runs: BenchRow[]): BenchRow {
  if (runs.length === 0) throw new Error('medianRow needs at least one run');
  if (runs.length === 1) return runs[0]!;
  const first = runs[0]!;
  const wallS = median(runs.map((r) => r.wallS));
  const cpus = defined(runs.map((r) => r.cpuS));
  const cpuS = cpus && median(cpus);
  const rss = defined(runs.map((r) => r.peakRssMb));
  const sims = defined(runs.map((r) => r.simCpuS));
  const others = defined(runs.map((r) => r.othersCpuShare));
  const failed = runs.find((r) => r.status !== 'ok');
  return {
    ...first,
    status: failed?.status ?? 'ok',
    ...(failed?.problem !== undefined ? { problem: failed.problem } : { problem: undefined }),
    wallS,
    ratio: wallS / first.limitS,
    issuesPerS: first.uniqueIds / wallS,
    requests: median(runs.map((r) => r.requests)),
    requestsPer1k: median(runs.map((r) => r.requestsPer1k)),
    http429: median(runs.map((r) => r.http429)),
    requestRatio: median(runs.map((r) => r.requestRatio)),
    cpuS,
    issuesPerCpuS: cpuS ? first.uniqueIds / cpuS : undefined,
    peakRssMb: rss && Math.max(...rss),
    simCpuS: sims && median(sims),
    othersCpuShare: others && Math.max(...others),
    dupRatio: Math.max(...runs.map((r) => r.dupRatio)),
    missing: Math.max(...runs.map((r) => r.missing)),
    runs: runs.length,
    spread: {
      wallS: [Math.min(...runs.map((r) => r.wallS)), Math.max(...runs.map((r) => r.wallS))],
      ...(cpus ? { cpuS: [Math.min(...cpus), Math.max(...cpus)] } : {}),
    },
  };
}
