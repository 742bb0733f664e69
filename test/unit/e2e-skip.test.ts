// A suite skipped for missing end-to-end prerequisites shows in node's summary as skipped (a skipped
// describe() alone counted as nothing: "skipped 0"), and nothing of it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/run-cli.js';

test('describeOrSkip: a skipped suite counts as skipped in the summary, and its hooks never run', (t) => {
  const helper = pathToFileURL(join(repoRoot, 'dist/test/helpers/e2e-env.js')).href;
  const dir = mkdtempSync(join(tmpdir(), 'jira-source-skip-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const mjs = join(dir, 'suite.test.mjs');
  writeFileSync(
    mjs,
    [
      "import { before, test } from 'node:test';",
      `import { describeOrSkip } from '${helper}';`,
      "describeOrSkip('needs meltano', 'missing meltano', () => {",
      "  before(() => { throw new Error('the hook of a skipped suite ran'); });",
      '  test(\'inside\', () => {});',
      '});',
      "describeOrSkip('needs nothing', false, () => { test('runs', () => {}); });",
    ].join('\n'),
  );
  // NODE_TEST_CONTEXT (set by the runner running this test) would send the child's report to us instead.
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', mjs], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^# skipped 1$/m);
  assert.match(r.stdout, /^# pass 1$/m);
  assert.match(r.stdout, /^# fail 0$/m);
  assert.match(r.stdout, /needs meltano # SKIP missing meltano/);
});
