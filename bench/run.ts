// `npm run bench`: runs the real connector CLIs against the simulator (a separate process) for each
// (N, scenario, front), prints one table with the modelled limits and writes the same as JSON.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions, usage, type BenchOptions } from './options.js';
import { formatCatalogRows, runCatalogBench } from './catalog-run.js';
import { formatHistoryRows, runHistoryBench } from './history-run.js';
import { SimulatorProcess, diffTally, type SimSettings } from './simulator-process.js';
import { killRunningConnectors, prepareCatalog, runRead, type ConnectorBins, type ReadResult } from './connector-process.js';
import { cloudPlan, dataCenterPlan, defaultCloudStrategy, defaultDataCenterStrategy, leafCloudStrategy, scenarioLimit, type RequestPlan, type Scenario } from './limit-model.js';
import { withoutTypedColumns } from './catalogs.js';
import { formatTable, type BenchRow } from './table.js';
import { medianRow } from './median-row.js';
import { pinSelf, planPinning, type Pinning } from './cpu-pinning.js';
import { topSelfTime } from './cpu-profile.js';
import { hostCpuSeconds } from './proc-stats.js';
import type { Front } from './record-counter.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const binsIn = (dir: string): ConnectorBins => ({
  airbyte: join(dir, 'bin/source-jira.js'),
  singer: join(dir, 'bin/tap-jira.js'),
  wrapper: join(repoRoot, 'dist/bench/measure-wrapper.js'),
});
let bins: ConnectorBins = binsIn(repoRoot);
const simBin = join(repoRoot, 'bin/jira-sim.js');

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function simSettingsFor(o: BenchOptions, n: number, scenario: Scenario, fieldCap: number | undefined): SimSettings {
  const zeroLatency = scenario === 'c';
  return {
    issues: n,
    mode: o.mode,
    seed: o.seed,
    latencyMs: zeroLatency ? 0 : o.latencyMs,
    jitterMs: zeroLatency ? 0 : o.jitterMs,
    ...(scenario === 'b' ? { rateLimitRps: o.rateLimitRps } : {}),
    ...(fieldCap !== undefined ? { fieldPageCap: fieldCap } : {}),
    ...(o.perRowMs > 0 && !zeroLatency ? { perRowMs: o.perRowMs } : {}),
    ...(o.customFields > 0 ? { extraCustomFields: o.customFields } : {}),
  };
}

function connectorConfig(o: BenchOptions, url: string): Record<string, unknown> {
  return {
    base_url: url,
    credentials:
      o.mode === 'cloud'
        ? { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' }
        : { auth_type: 'personal_access_token', personal_access_token: 'demo-pat' },
    start_date: '2000-01-01T00:00:00Z',
    ...(o.pageSize ? { page_size: o.pageSize } : {}),
    ...(o.maxConcurrency ? { max_concurrency: o.maxConcurrency } : {}),
  };
}

function modelPlan(o: BenchOptions, n: number, fieldCap: number | undefined): RequestPlan {
  if (o.mode === 'datacenter') return dataCenterPlan(n, { ...defaultDataCenterStrategy, pageSize: o.pageSize ?? defaultDataCenterStrategy.pageSize });
  const concurrency = o.maxConcurrency ?? defaultCloudStrategy.concurrency;
  return cloudPlan(n, {
    ...leafCloudStrategy,
    pageSize: o.pageSize ?? defaultCloudStrategy.pageSize,
    concurrency,
    countRequests: Math.min(16, Math.max(4, concurrency)), // issues.ts leavesOf
    fieldCap: fieldCap ?? Infinity,
  });
}

function newestProfile(dir: string): string | undefined {
  try {
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
    return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  } catch {
    return undefined;
  }
}

function toRow(o: BenchOptions, n: number, scenario: Scenario, fieldCap: number | undefined, front: Front, r: ReadResult, requests: ReturnType<typeof diffTally>, simCpuS: number | undefined): BenchRow {
  const plan = modelPlan(o, n, fieldCap);
  const limit = scenarioLimit({
    scenario,
    n,
    plan,
    latencyMs: scenario === 'c' ? 0 : o.latencyMs,
    rateLimitRps: o.rateLimitRps,
    cpuTargetPerSecond: o.cpuTargetPerSecond,
    stdoutBytes: r.counts.bytes,
    consumerBytesPerSecond: o.consumerBytesPerSecond,
  });
  const http429 = requests.byStatus['429'] ?? r.counts.logged429;
  const cpuS = r.userCpuS !== undefined && r.systemCpuS !== undefined ? r.userCpuS + r.systemCpuS : undefined;
  const unique = r.counts.uniqueIds;
  const problems: string[] = [];
  if (r.exitCode !== 0) problems.push(`exit ${r.exitCode ?? r.signal}`);
  if (r.counts.errors) problems.push(r.counts.firstError ?? 'error trace');
  if (unique !== n) problems.push(`${n - unique} missing`);
  if (r.counts.badLines) problems.push(`${r.counts.badLines} non-JSON lines`);
  if (problems.length && r.stderrTail) problems.push(r.stderrTail.trim().split('\n').pop()!);
  const mid = r.rssSamples.find(([t]) => t >= r.wallS / 2);
  return {
    n,
    mode: o.mode,
    scenario,
    ...(fieldCap !== undefined ? { fieldCap } : {}),
    front,
    status: r.timedOut ? 'timeout' : problems.length ? 'failed' : 'ok',
    ...(problems.length ? { problem: problems.join('; ') } : {}),
    wallS: r.wallS,
    limitS: limit.seconds,
    limitBasis: limit.basis,
    latencyLimitS: limit.latencySeconds,
    ratio: r.wallS / limit.seconds,
    issuesPerS: unique / r.wallS,
    requests: requests.total,
    requestsPer1k: (requests.total * 1000) / Math.max(1, n),
    http429,
    model: plan,
    requestRatio: (requests.total - http429) / plan.total,
    cpuS,
    userCpuS: r.userCpuS,
    systemCpuS: r.systemCpuS,
    issuesPerCpuS: cpuS ? unique / cpuS : undefined,
    peakRssMb: r.peakRssMb,
    midRssMb: mid?.[1],
    records: r.counts.records,
    uniqueIds: unique,
    dupRatio: unique ? r.counts.records / unique : 0,
    missing: n - unique,
    states: r.counts.states,
    stdoutBytes: r.counts.bytes,
    simCpuS,
    byEndpoint: requests.byEndpoint,
    // Keep the JSON small: at most ~60 samples.
    rssSamples: r.rssSamples.filter((_, i, a) => i % Math.ceil(a.length / 60) === 0 || i === a.length - 1),
  };
}

async function main(): Promise<void> {
  let o: BenchOptions;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit((e as Error).message === usage ? 0 : 2);
  }
  const resultsDir = join(repoRoot, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outPath = o.out ? resolve(o.out) : join(resultsDir, `${stamp}.json`);
  if (o.connectorDir) bins = binsIn(resolve(o.connectorDir));
  if (o.history) {
    const dir = mkdtempSync(join(tmpdir(), 'jira-bench-'));
    try {
      const rows = await runHistoryBench(o, bins, simBin, dir, outPath, log);
      process.stdout.write(`${formatHistoryRows(rows)}\n\nresults: ${outPath}\n`);
      if (rows.some((r) => r.status !== 'ok')) process.exitCode = 1;
    } catch (e) {
      process.stderr.write(`bench --history: ${(e as Error).message}\n`);
      process.exitCode = 1;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  if (o.catalog) {
    const dir = mkdtempSync(join(tmpdir(), 'jira-bench-'));
    try {
      const rows = await runCatalogBench(o, bins, simBin, dir, outPath, log);
      process.stdout.write(`${formatCatalogRows(rows)}\n\nresults: ${outPath}\n`);
    } catch (e) {
      process.stderr.write(`bench --catalog: ${(e as Error).message}\n`);
      process.exitCode = 1;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  let pinning: Pinning | undefined;
  if (o.pin) {
    try {
      pinning = planPinning();
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(2);
    }
    pinSelf(pinning.others); // the consumer
    log(`pinned: connector on CPU ${pinning.connector}, simulator and consumer on CPU ${pinning.others}`);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'jira-bench-'));
  /** One per (N, scenario, front): the median of its runs. */
  const rows: BenchRow[] = [];
  /** Every single run. */
  const allRuns: BenchRow[] = [];

  let sim: SimulatorProcess | undefined;
  let simKey = '';
  // Ctrl-C or a kill must not leave a simulator or a connector behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killRunningConnectors();
      void (sim?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  }
  try {
    for (const { n, scenario, fieldCap } of o.plan) {
      const settings = simSettingsFor(o, n, scenario, fieldCap);
      // Scenarios with identical simulator settings (a and d) share one simulator.
      if (JSON.stringify(settings) !== simKey) {
        await sim?.stop();
        log(`starting jira-sim: ${JSON.stringify(settings)}`);
        sim = await SimulatorProcess.start(simBin, settings, pinning?.others);
        simKey = JSON.stringify(settings);
      }
      const configPath = join(workDir, 'config.json');
      writeFileSync(configPath, JSON.stringify(connectorConfig(o, sim!.url)));
      for (const front of o.fronts) {
        const catalogPath = join(workDir, `catalog-${front}.json`);
        const catalog = prepareCatalog(front, bins, configPath);
        writeFileSync(catalogPath, JSON.stringify(o.noTypedColumns ? withoutTypedColumns(catalog) : catalog));
        const runs: BenchRow[] = [];
        for (let run = 1; run <= o.repeat; run++) {
          const profDir = join(resultsDir, `prof-${stamp}`, `${n}-${scenario}-${front}${o.repeat > 1 ? `-${run}` : ''}`);
          const before = await sim!.requests();
          const simCpuBefore = sim!.cpuSeconds();
          log(`run N=${n} scenario=${scenario}${fieldCap ? ` field-cap=${fieldCap}` : ''} front=${front}${o.repeat > 1 ? ` (${run} of ${o.repeat})` : ''}`);
          const benchCpuBefore = process.cpuUsage();
          const hostBefore = hostCpuSeconds();
          const r = await runRead({
            front,
            bins,
            configPath,
            catalogPath,
            workDir,
            maxRunSeconds: o.maxRunSeconds,
            ...(scenario === 'd' ? { consumerBytesPerSecond: o.consumerBytesPerSecond } : {}),
            nodeArgs: [...o.nodeArgs, ...(o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])],
            ...(pinning ? { cpus: pinning.connector } : {}),
          });
          const benchCpu = process.cpuUsage(benchCpuBefore);
          const hostAfter = hostCpuSeconds();
          const simCpuAfter = sim!.cpuSeconds();
          const requests = diffTally(await sim!.requests(), before);
          const simCpuS = simCpuBefore !== undefined && simCpuAfter !== undefined ? simCpuAfter - simCpuBefore : undefined;
          const row = toRow(o, n, scenario, fieldCap, front, r, requests, simCpuS);
          row.consumerCpuS = (benchCpu.user + benchCpu.system) / 1e6;
          if (hostBefore && hostAfter && row.cpuS !== undefined && simCpuS !== undefined) {
            // CPU that processes outside this benchmark took from the host while the connector ran.
            const others = hostAfter.busy - hostBefore.busy - row.cpuS - simCpuS - row.consumerCpuS;
            row.othersCpuShare = Math.max(0, others) / (hostAfter.total - hostBefore.total);
          }
          if (o.cpuProf) {
            const p = newestProfile(profDir);
            if (p) row.profile = { path: p, top: topSelfTime(p) };
          }
          runs.push(row);
          allRuns.push(row);
          log(
            `  ${row.status}${row.problem ? ` (${row.problem})` : ''}: ${row.wallS.toFixed(2)} s (limit ${row.limitS.toFixed(2)} s, ${row.limitBasis}), ` +
              `${row.uniqueIds} issues, ${row.requests} requests, CPU ${row.cpuS?.toFixed(2)} s, RSS ${row.peakRssMb?.toFixed(0)} MB, ` +
              `sim CPU ${simCpuS?.toFixed(2)} s, bench consumer CPU ${row.consumerCpuS.toFixed(2)} s, ` +
              `other processes ${row.othersCpuShare === undefined ? '?' : (100 * row.othersCpuShare).toFixed(0)} % of the host`,
          );
          if (row.profile) for (const h of row.profile.top.slice(0, 8)) log(`    ${h.percent.toFixed(1).padStart(5)}%  ${h.name}`);
        }
        rows.push(medianRow(runs));
      }
    }
  } finally {
    await sim?.stop();
    rmSync(workDir, { recursive: true, force: true });
    if (allRuns.length) {
      const report = {
        startedAt: stamp,
        host: { loadavg: loadavg(), cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, platform: process.platform },
        settings: { ...o, plan: undefined },
        limitModel: {
          rounds_cloud: 'fixedRounds + countRounds + max(ceil(S / leaves at once) + 1, 1 + ceil((S - 1 + F) / C)); S = max(1, ceil(N / min(page_size, field cap))), F = ceil(N / 100), C = max_concurrency, plus 1 ids-only page that lists the window; from 1000 issues (leafPlan): 1 + [N > 5000] (1 count round of C + ceil(N / 5000) leaf pages, 3 at a time) + max(ceil(L / 2) + 1, ceil((L + F) / C))',
          rounds_datacenter: 'fixedRounds + max(1, ceil(N / min(page_size, 1000)))',
          a: 'rounds x mean latency',
          b: 'max(rounds x latency, model requests / rate_limit_rps)',
          c: 'N / cpu_target (issues/s on one core)',
          d: 'max(rounds x latency, stdout bytes / consumer bytes per second)',
          strategy: o.mode === 'cloud' ? leafCloudStrategy : defaultDataCenterStrategy,
        },
        rows,
        ...(o.repeat > 1 ? { runs: allRuns } : {}),
      };
      writeFileSync(outPath, JSON.stringify(report, null, 2));
      process.stdout.write(`${formatTable(rows)}\n\nresults: ${outPath}\n`);
    }
  }
}

await main();
