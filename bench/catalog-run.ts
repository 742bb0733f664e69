// `npm run bench -- --catalog`: a full refresh of every stream but `issues` on a site of the size issue 9
// names (10,000 issues, 50 projects, 500 users, 40 boards, 400 sprints, 200 versions), at 100 ms latency,
// against the limit model of catalog-model.ts. Prints one row per front (median of --repeat runs) and
// the requests per stream, measured and modelled; writes the same as JSON.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogPlan, CLOUD_LISTS, type CatalogPlan } from './catalog-model.js';
import { prepareCatalog, runRead, type ConnectorBins, type ReadResult } from './connector-process.js';
import type { BenchOptions } from './options.js';
import { hostCpuSeconds } from './proc-stats.js';
import { diffTally, SimulatorProcess, type RequestTally } from './simulator-process.js';

/** The site of issue 9 §5. */
export const CATALOG_SITE = { issues: 10_000, projects: 50, users: 500, boards: 40, sprints: 400, versionsPerProject: 4 } as const;

export interface CatalogRow {
  front: string;
  runs: number;
  wallS: number;
  limitS: number;
  ratio: number;
  requests: number;
  fewestRequests: number;
  requestRatio: number;
  records: number;
  expectedRecords: number;
  cpuS?: number;
  peakRssMb?: number;
  /** highest share of the host's CPU that processes outside the benchmark used during a run */
  othersShare?: number;
  status: string;
  byStream: Record<string, { records: number; expected: number; requests: number; fewest: number }>;
  plan: CatalogPlan;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** Requests per stream from the simulator's per-endpoint counts (the endpoints of CLOUD_LISTS). */
function requestsByStream(t: RequestTally): Record<string, number> {
  const route: Array<[RegExp, string]> = [
    [/\/status$/, 'workflow_statuses'],
    [/\/statuscategory$/, 'workflow_status_categories'],
    [/\/field$/, 'issue_fields'],
    [/\/project\/search$/, 'projects'],
    [/\/users\/search$/, 'users'],
    [/\/board$/, 'boards'],
    [/\/board\/\{id\}\/sprint$/, 'sprints'],
    [/\/board\/\{id\}\/configuration$/, 'board_columns'],
    [/\/issuetype$/, 'issue_types'],
    [/\/priority\/search$/, 'issue_priorities'],
    [/\/resolution\/search$/, 'issue_resolutions'],
    [/\/issueLinkType$/, 'issue_link_types'],
    [/\/project\/\{id\}\/version$/, 'project_versions'],
    [/\/project\/\{id\}\/component$/, 'project_components'],
    [/\/field\/\{id\}\/context$/, 'issue_custom_field_contexts'],
    [/\/context\/\{ctx\}\/option$/, 'issue_custom_field_options'],
    [/\/projectCategory$/, 'project_categories'],
    [/\/label$/, 'labels'],
    [/\/group\/bulk$/, 'groups'],
    [/\/group\/member$/, 'group_members'],
    [/\/filter\/search$/, 'filters'],
    [/\/myself$/, '/myself'],
  ];
  const out: Record<string, number> = {};
  for (const [endpoint, n] of Object.entries(t.byEndpoint)) {
    const name = route.find(([re]) => re.test(endpoint))?.[1] ?? endpoint;
    out[name] = (out[name] ?? 0) + n;
  }
  return out;
}

export async function runCatalogBench(o: BenchOptions, bins: ConnectorBins, simBin: string, workDir: string, outPath: string, log: (m: string) => void): Promise<CatalogRow[]> {
  if (o.mode !== 'cloud') throw new Error('--catalog models Jira Cloud\'s lists and page caps; run it without --mode datacenter');
  const concurrency = o.maxConcurrency ?? 8;
  const s = CATALOG_SITE;
  const extraArgs = ['--projects', String(s.projects), '--users', String(s.users), '--boards', String(s.boards), '--sprints', String(s.sprints), '--versions-per-project', String(s.versionsPerProject)];
  log(`starting jira-sim: ${JSON.stringify(s)}, latency ${o.latencyMs} ± ${o.jitterMs} ms`);
  const sim = await SimulatorProcess.start(simBin, { issues: s.issues, mode: 'cloud', seed: o.seed, latencyMs: o.latencyMs, jitterMs: o.jitterMs, extraArgs });
  const rows: CatalogRow[] = [];
  try {
    const truth = await sim.lists();
    const streams = CLOUD_LISTS.map((l) => l.stream).filter((n) => truth[n] !== undefined);
    const plan = catalogPlan(truth, streams, concurrency);
    const limitS = (plan.rounds * o.latencyMs) / 1000;
    log(`model: ${plan.requests} requests at least, ${plan.rounds} round trips with ${concurrency} in flight (critical path ${plan.criticalPath}) = ${limitS.toFixed(2)} s at ${o.latencyMs} ms`);
    const configPath = join(workDir, 'config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        base_url: sim.url,
        credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' },
        start_date: '2000-01-01T00:00:00Z',
        ...(o.maxConcurrency ? { max_concurrency: o.maxConcurrency } : {}),
      }),
    );
    for (const front of o.fronts) {
      const catalogPath = join(workDir, `catalog-${front}.json`);
      writeFileSync(catalogPath, JSON.stringify(prepareCatalog(front, bins, configPath, (name) => name !== 'issues')));
      const runs: Array<{ r: ReadResult; t: RequestTally; others?: number }> = [];
      for (let run = 1; run <= o.repeat; run++) {
        const before = await sim.requests();
        const simCpuBefore = sim.cpuSeconds();
        const hostBefore = hostCpuSeconds();
        const r = await runRead({ front, bins, configPath, catalogPath, workDir, maxRunSeconds: o.maxRunSeconds, nodeArgs: o.nodeArgs, countStream: '*' });
        const hostAfter = hostCpuSeconds();
        const simCpu = (sim.cpuSeconds() ?? 0) - (simCpuBefore ?? 0);
        const t = diffTally(await sim.requests(), before);
        // CPU that processes outside this benchmark took from the host meanwhile (a loaded host slows every round trip).
        const cpu = (r.userCpuS ?? 0) + (r.systemCpuS ?? 0);
        const others = hostBefore && hostAfter ? Math.max(0, hostAfter.busy - hostBefore.busy - cpu - simCpu) / (hostAfter.total - hostBefore.total) : undefined;
        runs.push({ r, t, others });
        log(`  ${front} run ${run}: ${r.wallS.toFixed(2)} s, ${t.total} requests, ${r.counts.records} records, exit ${r.exitCode}, other processes ${others === undefined ? '?' : (100 * others).toFixed(0)} % of the host`);
      }
      const last = runs.at(-1)!;
      const measured = requestsByStream(last.t);
      const byStream: CatalogRow['byStream'] = {};
      for (const n of streams) {
        byStream[n] = { records: last.r.counts.byStream?.[n] ?? 0, expected: truth[n]!.keys.length, requests: measured[n] ?? 0, fewest: plan.byStream[n] ?? 0 };
      }
      const expectedRecords = streams.reduce((a, n) => a + truth[n]!.keys.length, 0);
      const wallS = median(runs.map((x) => x.r.wallS));
      const requests = median(runs.map((x) => x.t.total));
      const cpu = runs.map((x) => (x.r.userCpuS ?? 0) + (x.r.systemCpuS ?? 0));
      const problems = runs.flatMap(({ r }) => [
        ...(r.exitCode !== 0 ? [`exit ${r.exitCode}`] : []),
        ...(r.counts.errors ? [r.counts.firstError ?? 'error trace'] : []),
        ...(r.counts.records !== expectedRecords ? [`${r.counts.records} records, ${expectedRecords} expected`] : []),
      ]);
      rows.push({
        front,
        runs: runs.length,
        wallS,
        limitS,
        ratio: wallS / limitS,
        requests,
        fewestRequests: plan.requests,
        requestRatio: requests / plan.requests,
        records: last.r.counts.records,
        expectedRecords,
        cpuS: median(cpu),
        peakRssMb: Math.max(...runs.map((x) => x.r.peakRssMb ?? 0)),
        othersShare: Math.max(...runs.map((x) => x.others ?? 0)),
        status: problems.length ? `failed: ${[...new Set(problems)].join('; ')}` : 'ok',
        byStream,
        plan,
      });
    }
  } finally {
    await sim.stop();
  }
  writeFileSync(outPath, JSON.stringify({ scenario: 'catalog', site: s, latencyMs: o.latencyMs, jitterMs: o.jitterMs, concurrency, rows }, null, 2));
  return rows;
}

export function formatCatalogRows(rows: CatalogRow[]): string {
  const head = '| front | runs | wall s | limit s | ratio | requests | fewest | req ratio | records | CPU s | peak RSS MB | others % | status |';
  const lines = [head, '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |'];
  for (const r of rows) {
    lines.push(
      `| ${r.front} | ${r.runs} | ${r.wallS.toFixed(2)} | ${r.limitS.toFixed(2)} | ${r.ratio.toFixed(2)} | ${r.requests} | ${r.fewestRequests} | ${r.requestRatio.toFixed(2)} | ${r.records} | ${r.cpuS?.toFixed(2) ?? '?'} | ${r.peakRssMb?.toFixed(0) ?? '?'} | ${r.othersShare === undefined ? '?' : (100 * r.othersShare).toFixed(0)} | ${r.status} |`,
    );
  }
  const first = rows[0];
  if (first) {
    lines.push('', '| stream | records | requests (measured) | fewest |', '| --- | ---: | ---: | ---: |');
    for (const [n, x] of Object.entries(first.byStream)) lines.push(`| ${n} | ${x.records}${x.records === x.expected ? '' : ` (expected ${x.expected})`} | ${x.requests} | ${x.fewest} |`);
  }
  return lines.join('\n');
}
