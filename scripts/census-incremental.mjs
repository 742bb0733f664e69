// Measures an incremental run of `issues` + `deleted_issues` (the id census and the walk) against the
// simulator at 100 ms latency, for two builds of the connector, alternately from the same state:
//   npm run build && node scripts/census-incremental.mjs <issues> <repeat> <after-dir> [<before-dir>]
// (a build of another commit: git archive <rev> | tar -x -C /tmp/before, link node_modules, npx tsc).
// The first run (after-dir's build) makes the state; then 1000 issues are edited inside the next window
// and 25 deleted. Per run: wall time, when the census was done and when the walk started (seconds after
// the read started), requests. Not a test; not part of npm test or the bench.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
const [n = '100000', repeat = '3', afterDir = process.cwd(), beforeDir] = process.argv.slice(2);
const { startSimulator } = await import(join(afterDir, 'dist/src/simulator/index.js'));
const { airbyteStream } = await import(join(afterDir, 'dist/src/protocol/airbyte-catalog.js'));
const { issuesStream } = await import(join(afterDir, 'dist/src/streams/issues.js'));
const { deletedIssues } = await import(join(afterDir, 'dist/src/streams/deleted-issues.js'));
const sim = await startSimulator({ port: 0, host: '127.0.0.1', issues: Number(n), latencyMs: 100, jitterMs: 20 });
const dir = mkdtempSync(join(tmpdir(), 'census-'));
const config = { base_url: sim.url, credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' }, start_date: '2000-01-01T00:00:00Z', lookback_minutes: 5, page_size: 100, request_timeout_seconds: 30, max_concurrency: 8 };
const catalog = { streams: [issuesStream, deletedIssues].map((s) => ({ stream: airbyteStream(s), sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: s.cursorField, primary_key: s.primaryKey })) };
writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));

function read(root, state) {
  const args = [join(root, 'bin/source-jira.js'), 'read', '--config', join(dir, 'config.json'), '--catalog', join(dir, 'catalog.json')];
  if (state) { writeFileSync(join(dir, 'state.json'), JSON.stringify(state)); args.push('--state', join(dir, 'state.json')); }
  const t0 = performance.now();
  const child = spawn('node', ['--max-semi-space-size=8', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out = { states: new Map(), records: 0, tombstones: 0, t: {}, census: '' };
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) {
      const m = JSON.parse(buf.slice(0, i));
      const t = performance.now() - t0;
      if (m.type === 'STATE') out.states.set(m.state.stream.stream_descriptor.name, m.state);
      if (m.type === 'RECORD') { out.records++; if (m.record.data._ab_cdc_deleted_at) out.tombstones++; }
      if (m.type === 'LOG') {
        const msg = m.log.message;
        if (msg.includes('starting incremental read') && out.t.start === undefined) out.t.start = t;
        if (msg.includes('reading updated in') && out.t.walk === undefined) out.t.walk = t;
        if (msg.includes('id census:')) { out.t.census = t; out.census = msg; }
      }
    }
  });
  return new Promise((res) => child.on('exit', (code) => res({ ...out, code, wall: (performance.now() - t0) / 1000, state: [...out.states.values()] })));
}

const first = await read(afterDir);
console.log(`first run: ${first.wall.toFixed(1)} s, ${first.records} records, exit ${first.code}`);
sim.control.bulkEdit(1000, Date.now() - 60_000);
sim.control.deleteIssues(25);
const rows = [];
for (let r = 0; r < Number(repeat); r++) {
  for (const [name, root] of [...(beforeDir ? [['before', beforeDir]] : []), ['after', afterDir]]) {
    sim.control.resetRequestLog();
    const load = loadavg()[0].toFixed(2);
    const x = await read(root, first.state);
    const counts = sim.control.requestCounts();
    const requests = Object.values(counts).reduce((a, b) => a + b, 0);
    const census = ((x.t.census - x.t.start) / 1000).toFixed(2);
    const walkStart = ((x.t.walk - x.t.start) / 1000).toFixed(2);
    rows.push({ name, wall: x.wall.toFixed(2), censusDoneAfter: census, walkStartsAfter: walkStart, requests, search: counts['POST /rest/api/3/search/jql'], bulkfetch: counts['POST /rest/api/3/issue/bulkfetch'], tombstones: x.tombstones, records: x.records, load, code: x.code });
    console.log(JSON.stringify(rows[rows.length - 1]), '|', x.census.replace(/^.*id census: /, ''));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const name of beforeDir ? ['before', 'after'] : ['after']) {
  const mine = rows.filter((r) => r.name === name);
  console.log(name, 'median wall', median(mine.map((r) => Number(r.wall))), 's; census done after', median(mine.map((r) => Number(r.censusDoneAfter))), 's; walk starts after', median(mine.map((r) => Number(r.walkStartsAfter))), 's; requests', median(mine.map((r) => r.requests)));
}
await sim.close();
rmSync(dir, { recursive: true, force: true });
