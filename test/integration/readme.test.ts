// Issue 13: the README's command blocks work as written, in a bare copy of the repository (no sibling
// folders, no node_modules or dist but what the README's own commands make), against the simulator.
// How blocks are picked and run: test/helpers/readme-runner.ts. The sections with Python tools
// (PyAirbyte, Meltano, CSV files) run in test/e2e/readme.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyRepository, parseReadme, runSection, sectionScript, type ReadmeCopy } from '../helpers/readme-runner.js';

const TOKEN = 'demo-token';

function ndjson(path: string): Array<Record<string, any>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

test('the runner picks ```bash and file= blocks by section, waits for servers started with &, and gives 8080 another port', () => {
  const md = [
    '## One (a title goes on)',
    '```bash',
    'node bin/jira-sim.js --port 8080 &   # a server',
    'echo http://127.0.0.1:8080 && true',
    '```',
    '```sh',
    'not run',
    '```',
    '```json file=config.json',
    '{"base_url": "http://127.0.0.1:8080"}',
    '```',
    '### Still One',
    '```bash',
    'echo two',
    '```',
    '## Two',
    '```bash',
    'sleep 100 &',
    '```',
  ].join('\n');
  const [, one, two] = parseReadme(md);
  assert.equal(one!.title, 'One (a title goes on)');
  assert.deepEqual(one!.blocks.map((b) => [b.lang, b.file, b.line]), [['bash', undefined, 2], ['sh', undefined, 6], ['json', 'config.json', 9], ['bash', undefined, 13]]);
  const script = sectionScript(one!, 4321);
  assert.ok(!script.includes('not run'), '```sh blocks are not run');
  assert.ok(!script.includes('8080'), 'every 8080 is replaced');
  assert.match(script, /node bin\/jira-sim\.js --port 4321 & {3}# a server\n__readme_wait_port 4321 3\n/);
  assert.match(script, /echo http:\/\/127\.0\.0\.1:4321 && true\n/, 'a line ending in && is not a background command');
  assert.match(script, /cat > "config\.json" <<'__README_EOF__'\n\{"base_url": "http:\/\/127\.0\.0\.1:4321"\}\n__README_EOF__/);
  assert.match(script, /echo two/);
  assert.throws(() => sectionScript(two!, 4321), /README\.md:18: a background command without --port N/);
});

describe('README, as a user runs it (issue 13)', () => {
  let copy: ReadmeCopy;
  before(async () => {
    copy = await copyRepository();
  });
  after(() => copy?.cleanup());

  test('the copy has nothing beside it and no installed or built files', () => {
    assert.deepEqual(existsSync(join(copy.dir, '..', 'shared')), false);
    for (const p of ['node_modules', 'dist']) assert.equal(existsSync(join(copy.dir, p)), false, `${p} must not be copied`);
  });

  test('Quick start', async () => {
    const run = await runSection(copy, 'Quick start', { timeoutMs: 240_000 });
    assert.doesNotMatch(run.output, new RegExp(TOKEN), 'the API token must not appear in any output');
  });

  test('Configuration: the example config is saved as config.json', async () => {
    await runSection(copy, 'Configuration');
    assert.equal(JSON.parse(readFileSync(join(copy.dir, 'config.json'), 'utf8')).credentials.auth_type, 'api_token');
  });

  test('Running the commands by hand', async () => {
    const run = await runSection(copy, 'Running the commands by hand', {
      timeoutMs: 240_000,
      check: () => {
        // The round trips: discover's output is the catalog (item 3; Singer: it selects the issues, item 2),
        // and the second run, from the first run's output, reads nothing new on a quiet simulator.
        for (const f of ['run1.ndjson', 'run2.ndjson', 'run1.singer.ndjson', 'run2.singer.ndjson']) {
          assert.ok(existsSync(join(copy.dir, f)), `the section's Singer block writes ${f} (a first sync, then one from its last STATE); it did not`);
        }
        const run1 = ndjson(join(copy.dir, 'run1.singer.ndjson'));
        const run2 = ndjson(join(copy.dir, 'run2.singer.ndjson'));
        // The issues stream's records (the other streams are read in full on every run).
        const records = (ms: Array<Record<string, any>>) => ms.filter((m) => m.type === 'RECORD' && (m.record.stream ?? m.stream) === 'issues').length;
        assert.ok(records(run1) >= 1000, `the first Singer sync emitted ${records(run1)} records`);
        assert.equal(run1.at(-1)!.type, 'STATE');
        assert.ok(records(run2) < records(run1) / 10, `the second sync re-read ${records(run2)} records`);
        const air1 = ndjson(join(copy.dir, 'run1.ndjson'));
        const air2 = ndjson(join(copy.dir, 'run2.ndjson'));
        assert.ok(records(air1) >= 1000, `the first Airbyte read emitted ${records(air1)} records`);
        assert.ok(air2.some((m) => m.type === 'STATE'));
        assert.ok(records(air2) < records(air1) / 10, `the second Airbyte read re-read ${records(air2)} records`);
      },
    });
    assert.doesNotMatch(run.output, new RegExp(TOKEN), 'the API token must not appear in any output');
  });
});
