// Measures the simulator's speed and memory (not a test; run by hand):
//   npm run build && node dist/test/simulator/measure-throughput.js [issues=1000000]
// Starts `jira-sim` as a child process (one core serves), then times: the ids-only walk of
// /search/jql (pages of 5000, one query with tokens), bulkfetch of 100 full bodies (*navigable),
// /search/jql pages of 100 with *navigable, and a seek walk (a fresh query per page, as the
// connector does). Prints issues/s (wall, and per CPU-second of the simulator) and its RSS.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

const issues = Number(process.argv[2] ?? 1_000_000);
const BIN = fileURLToPath(new URL('../../../bin/jira-sim.js', import.meta.url));
const AUTH = 'Basic ' + Buffer.from('demo@example.com:demo-token').toString('base64');
const dispatcher = new Agent({ connections: 8, keepAliveTimeout: 30_000 });

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function callText(base: string, method: string, path: string, body: unknown): Promise<string> {
  const r = await request(base + path, { method: method as 'POST', dispatcher, headers: { authorization: AUTH, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.body.text();
  if (r.statusCode !== 200) throw new Error(`${path}: ${r.statusCode} ${text.slice(0, 200)}`);
  return text;
}

/** CPU seconds (user + system) the simulator process has used so far. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function report(what: string, n: number, ms: number, cpu: number, pid: number): void {
  console.log(`${what}: ${n} issues in ${ms} ms = ${Math.round((n / ms) * 1000)} issues/s wall; simulator CPU ${cpu.toFixed(2)} s = ${Math.round(n / cpu)} issues per CPU-second; RSS ${rssMb(pid)} MB`);
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const r = await request(base + path, {
    method: method as 'GET' | 'POST', dispatcher,
    headers: { authorization: AUTH, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await r.body.json();
  if (r.statusCode !== 200) throw new Error(`${path}: ${r.statusCode} ${JSON.stringify(json)}`);
  return json;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, '--port', '0', '--issues', String(issues), '--seed', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  console.log(`started ${issues} issues in ${Date.now() - t0} ms; RSS ${rssMb(child.pid!)} MB`);
  const jql = 'project in (WEB, OPS, DATA, APP) ORDER BY updated ASC, id ASC';

  // 1. ids-only walk, pages of 5000.
  const pid = child.pid!;
  let t = Date.now();
  let c0 = cpuSeconds(pid);
  const ids: string[] = [];
  let token: string | undefined;
  for (;;) {
    const q = new URLSearchParams({ jql, maxResults: '5000', ...(token ? { nextPageToken: token } : {}) });
    const page = await call(base, 'GET', `/rest/api/3/search/jql?${q}`);
    for (const i of page.issues) ids.push(i.id);
    if (page.isLast) break;
    token = page.nextPageToken;
  }
  report('ids walk, one query paged with tokens, pages of 5000 (includes its one full sort)', ids.length, Date.now() - t, cpuSeconds(pid) - c0, pid);

  // 2. bulkfetch 100 full bodies (*navigable), 4 in flight.
  const sample = ids.slice(0, 100_000);
  t = Date.now();
  c0 = cpuSeconds(pid);
  let fetched = 0;
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < sample.length) {
      const batch = sample.slice(next, (next += 100));
      // Parsing 460 kB of JSON per call would make this client the bottleneck: count bodies cheaply.
      const text = await callText(base, 'POST', '/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: batch });
      fetched += text.split('"expand":"renderedFields').length - 1;
    }
  }));
  report('bulkfetch of 100, *navigable, 4 in flight', fetched, Date.now() - t, cpuSeconds(pid) - c0, pid);

  // 3. search pages of 100 with *navigable bodies.
  t = Date.now();
  c0 = cpuSeconds(pid);
  let got = 0;
  token = undefined;
  while (got < 50_000) {
    const page = await call(base, 'POST', '/rest/api/3/search/jql', { jql, maxResults: 100, fields: ['*navigable'], ...(token ? { nextPageToken: token } : {}) });
    got += page.issues.length;
    if (page.isLast) break;
    token = page.nextPageToken;
  }
  report('search/jql pages of 100, *navigable', got, Date.now() - t, cpuSeconds(pid) - c0, pid);
  // 4. seek walk as the connector does it: a fresh query per page (`updated >= t`), pages of 5000.
  t = Date.now();
  c0 = cpuSeconds(pid);
  let seen = 0;
  let lower = 0;
  const upper = Date.now();
  for (let page = 0; page < 40; page++) {
    const q = new URLSearchParams({ jql: `updated >= ${lower} AND updated < ${upper} ORDER BY updated ASC, key ASC`, maxResults: '5000', fields: 'updated' });
    const body = await call(base, 'GET', `/rest/api/3/search/jql?${q}`);
    if (!body.issues.length) break;
    seen += body.issues.length;
    // Resume just after the last row's instant (a real walk also keeps the tie set; enough for timing).
    lower = Date.parse(body.issues[body.issues.length - 1].fields.updated.replace(/(\d\d)(\d\d)$/, '$1:$2')) + 1;
    if (body.isLast) break;
  }
  report('seek walk, a fresh query per page of 5000', seen, Date.now() - t, cpuSeconds(pid) - c0, pid);
  // 5. the connector's seek walk page: project filter, a closed `updated` window, pages of 1000.
  t = Date.now();
  c0 = cpuSeconds(pid);
  seen = 0;
  lower = 0;
  let pages = 0;
  for (; pages < 100; pages++) {
    const body = await call(base, 'POST', '/rest/api/3/search/jql', {
      jql: `(project in ("WEB","OPS","DATA","APP")) AND updated >= ${lower} AND updated < ${upper} ORDER BY updated ASC, key ASC`,
      maxResults: 1000, fields: ['key', 'updated'],
    });
    if (!body.issues.length) break;
    seen += body.issues.length;
    lower = Date.parse(body.issues[body.issues.length - 1].fields.updated.replace(/(\d\d)(\d\d)$/, '$1:$2')) + 1;
    if (body.isLast) { pages++; break; }
  }
  const ms = Date.now() - t;
  const cpu = cpuSeconds(pid) - c0;
  report('seek walk, connector-shaped query (project in, updated window), pages of 1000', seen, ms, cpu, pid);
  console.log(`seek walk page at ${issues} issues: ${(ms / pages).toFixed(1)} ms wall, ${((cpu * 1000) / pages).toFixed(1)} ms simulator CPU per page (${pages} pages)`);
  child.kill('SIGTERM');
  await dispatcher.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
