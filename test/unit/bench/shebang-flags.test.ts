import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shebangNodeFlags } from '../../../bench/connector-process.js';

test('shebangNodeFlags: the node flags of an `env -S node …` shebang, none for a plain one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shebang-'));
  const bin = (first: string) => {
    const p = join(dir, `${Math.random()}.js`);
    writeFileSync(p, `${first}\nimport "x";\n`);
    return p;
  };
  assert.deepEqual(shebangNodeFlags(bin('#!/usr/bin/env -S node --max-semi-space-size=8  --no-warnings')), ['--max-semi-space-size=8', '--no-warnings']);
  assert.deepEqual(shebangNodeFlags(bin('#!/usr/bin/env node')), []);
  assert.deepEqual(shebangNodeFlags(bin('// no shebang')), []);
});
