// `npm run bench -- --history`: what the history streams cost beside the issues walk. On one simulator
// (N issues, ~1 % with long histories, at --latency-ms), two full syncs per front: `issues` alone, then
// `issues` with every history stream the connector offers (of HISTORY_STREAMS: the ones not built yet
// are left out). The requests the second makes beyond the first, per endpoint and per stream, are set
// beside the N+1 count (one request per issue per child stream, what per-issue readers make) and
// checked against issue 10's budgets; the records are checked against the simulator's truth.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareCatalog, runRead, type ConnectorBins, type ReadResult } from './connector-process.js';
import type { BenchOptions } from './options.js';
import { diffTally, SimulatorProcess, type RequestTally } from './simulator-process.js';

/** The history streams of issue 10, in the README's order. */
export const HISTORY_STREAMS = ['issue_changelogs', 'issue_comments', 'issue_worklogs', 'deleted_worklogs', 'deleted_issues'] as const;
/** comments a bulkfetch body carries (Cloud's embedded comment page) */
const EMBEDDED_COMMENTS = 20;

/** Which stream an endpoint's requests belong to (beyond the issues walk). */
const ENDPOINT_STREAM: Array<[RegExp, string]> = [
  [/\/changelog\/bulkfetch$/, 'issue_changelogs'],
  [/^GET \/rest\/api\/2\/issue\/\{id\}$/, 'issue_changelogs'], // Data Center: one issue read again for its whole changelog
  [/\/issue\/\{id\}\/changelog$/, 'issue_changelogs'],
  [/\/issue\/\{id\}\/comment$/, 'issue_comments'],
  [/\/issue\/\{id\}\/worklog$/, 'issue_worklogs'],
  [/\/worklog\/(updated|list)$/, 'issue_worklogs'],
  [/\/worklog\/deleted$/, 'deleted_worklogs'],
  [/\/audit/, 'deleted_issues'],
];

export interface HistoryStreamRow {
  stream: string;
  records: number;
  truth: number | undefined;
  /** requests beyond those of `issues` alone */
  requests: number;
  nPlusOne: number;
  budget: number | undefined;
  ok: boolean;
}

export interface HistoryRow {
  front: string;
  issues: number;
  issuesWallS: number;
  historyWallS: number;
  issuesRequests: number;
  historyRequests: number;
  /** the connector's CPU seconds (user + system) */
  issuesCpuS?: number;
  historyCpuS?: number;
  /** requests per endpoint beyond those of `issues` alone */
  extraByEndpoint: Record<string, number>;
  streams: HistoryStreamRow[];
  peakRssMb?: number;
  status: string;
}

/** Issue 10's budgets for a site of `n` issues: changelogs ≤ 15 per 10k (one per 1000 issues, plus 5); comments ≤ overflowing issues + 5 %. */
function budgetOf(stream: string, n: number, perIssue: Record<string, number> | undefined): number | undefined {
  if (stream === 'issue_changelogs') return Math.ceil(n / 1000) + 5;
  if (stream === 'issue_comments' && perIssue) return Math.floor(Object.values(perIssue).filter((c) => c > EMBEDDED_COMMENTS).length * 1.05);
  return undefined;
}

const cpuOf = (r: ReadResult) => (r.userCpuS === undefined ? undefined : r.userCpuS + (r.systemCpuS ?? 0));

function extraRequests(withHistory: RequestTally, alone: RequestTally): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [endpoint, count] of Object.entries(withHistory.byEndpoint)) {
    const extra = count - (alone.byEndpoint[endpoint] ?? 0);
    if (extra !== 0) out[endpoint] = extra;
  }
  return out;
}

export async function runHistoryBench(o: BenchOptions, bins: ConnectorBins, simBin: string, workDir: string, outPath: string, log: (m: string) => void): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  for (const n of [...new Set(o.plan.map((p) => p.n))]) {
    log(`starting jira-sim: ${n} issues (${o.mode}), latency ${o.latencyMs} ± ${o.jitterMs} ms`);
    const sim = await SimulatorProcess.start(simBin, { issues: n, mode: o.mode, seed: o.seed, latencyMs: o.latencyMs, jitterMs: o.jitterMs });
    try {
      const truth = await sim.lists();
      const configPath = join(workDir, 'config.json');
      const credentials = o.mode === 'cloud' ? { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' } : { auth_type: 'personal_access_token', personal_access_token: 'demo-pat' };
      writeFileSync(
        configPath,
        JSON.stringify({
          base_url: sim.url,
          credentials,
          start_date: '2000-01-01T00:00:00Z',
          ...(o.pageSize ? { page_size: o.pageSize } : {}),
          ...(o.maxConcurrency ? { max_concurrency: o.maxConcurrency } : {}),
        }),
      );
      for (const front of o.fronts) {
        const read = async (name: string, select: (s: string) => boolean): Promise<{ r: ReadResult; t: RequestTally; selected: string[] }> => {
          const catalog = prepareCatalog(front, bins, configPath, select) as { streams: Array<Record<string, any>> };
          const selected = catalog.streams.flatMap((s) => {
            const stream = s.stream?.name ?? s.tap_stream_id;
            const chosen = front === 'airbyte' || s.metadata?.find((m: { breadcrumb: string[] }) => m.breadcrumb.length === 0)?.metadata?.selected;
            return chosen ? [String(stream)] : [];
          });
          const catalogPath = join(workDir, `catalog-${front}-${name}.json`);
          writeFileSync(catalogPath, JSON.stringify(catalog));
          const before = await sim.requests();
          const r = await runRead({ front, bins, configPath, catalogPath, workDir, maxRunSeconds: o.maxRunSeconds, nodeArgs: o.nodeArgs, countStream: '*' });
          const t = diffTally(await sim.requests(), before);
          log(`  ${front} ${name}: ${r.wallS.toFixed(2)} s, ${t.total} requests, ${r.counts.records} records, exit ${r.exitCode}`);
          return { r, t, selected };
        };
        const alone = await read('issues', (s) => s === 'issues');
        const all = await read('history', (s) => s === 'issues' || (HISTORY_STREAMS as readonly string[]).includes(s));
        const extra = extraRequests(all.t, alone.t);
        const history = all.selected.filter((s) => s !== 'issues');
        const byStream: Record<string, number> = {};
        for (const [endpoint, count] of Object.entries(extra)) {
          const stream = ENDPOINT_STREAM.find(([re]) => re.test(endpoint))?.[1];
          if (stream !== undefined) byStream[stream] = (byStream[stream] ?? 0) + count;
        }
        const streams = history.map((stream): HistoryStreamRow => {
          const budget = budgetOf(stream, n, truth[stream]?.perParent as Record<string, number> | undefined);
          const records = all.r.counts.byStream?.[stream] ?? 0;
          const expected = truth[stream]?.keys.length;
          const requests = byStream[stream] ?? 0;
          return { stream, records, truth: expected, requests, nPlusOne: n, budget, ok: (budget === undefined || requests <= budget) && (expected === undefined || records === expected) };
        });
        const problems = [
          ...[alone, all].flatMap(({ r }) => [...(r.exitCode !== 0 ? [`exit ${r.exitCode}`] : []), ...(r.counts.errors ? [r.counts.firstError ?? 'error trace'] : [])]),
          ...streams.filter((s) => !s.ok).map((s) => `${s.stream}: ${s.requests} requests (budget ${s.budget ?? '-'}), ${s.records} records (truth ${s.truth ?? '-'})`),
        ];
        rows.push({
          front,
          issues: n,
          issuesWallS: alone.r.wallS,
          historyWallS: all.r.wallS,
          issuesRequests: alone.t.total,
          historyRequests: all.t.total,
          issuesCpuS: cpuOf(alone.r),
          historyCpuS: cpuOf(all.r),
          extraByEndpoint: extra,
          streams,
          peakRssMb: all.r.peakRssMb,
          status: problems.length ? `failed: ${problems.join('; ')}` : 'ok',
        });
      }
    } finally {
      await sim.stop();
    }
  }
  writeFileSync(outPath, JSON.stringify({ scenario: 'history', mode: o.mode, latencyMs: o.latencyMs, jitterMs: o.jitterMs, rows }, null, 2));
  return rows;
}

export function formatHistoryRows(rows: HistoryRow[]): string {
  const lines = [
    '| front | issues | issues alone: wall s, CPU s, requests | with history: wall s, CPU s, requests | peak RSS MB | status |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.front} | ${r.issues} | ${r.issuesWallS.toFixed(2)}, ${r.issuesCpuS?.toFixed(2) ?? '?'}, ${r.issuesRequests} | ${r.historyWallS.toFixed(2)}, ${r.historyCpuS?.toFixed(2) ?? '?'}, ${r.historyRequests} | ${r.peakRssMb?.toFixed(0) ?? '?'} | ${r.status} |`,
    ),
    '',
    '| issues | stream | records (truth) | requests beyond issues | budget | N+1 requests |',
    '| ---: | --- | ---: | ---: | ---: | ---: |',
  ];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const s of r.streams) {
      const key = `${r.issues}/${s.stream}`;
      if (seen.has(key)) continue; // the same figures on each front
      seen.add(key);
      lines.push(`| ${r.issues} | ${s.stream} | ${s.records}${s.truth === undefined || s.truth === s.records ? '' : ` (${s.truth})`} | ${s.requests} | ${s.budget ?? '-'} | ${s.nPlusOne} |`);
    }
  }
  const first = rows[0];
  if (first) lines.push('', `requests beyond issues, by endpoint (${first.front}, ${first.issues} issues): ${Object.entries(first.extraByEndpoint).map(([e, c]) => `${e} ${c}`).join(', ')}`);
  return lines.join('\n');
}
