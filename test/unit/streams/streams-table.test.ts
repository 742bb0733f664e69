// The README's streams table is the registry's: regenerated here and compared with README.md, so a
// stream added, renamed or re-pointed without `node scripts/streams-table.mjs --write` fails the build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allStreams } from '../../../src/streams/registry.js';
import { streamsTable, TABLE_END, TABLE_START, withStreamsTable } from '../../../src/streams/streams-table.js';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

test('README.md holds the streams table generated from the registry (fix: npm run build && node scripts/streams-table.mjs --write)', () => {
  const a = readme.indexOf(TABLE_START);
  const b = readme.indexOf(TABLE_END);
  assert.ok(a >= 0 && b > a, 'README.md has the streams table markers');
  assert.equal(readme.slice(a, b + TABLE_END.length), streamsTable(allStreams()));
});

test('the table has one row per stream, with its key, modes, cursor and both endpoints', () => {
  const table = streamsTable(allStreams());
  const rows = table.split('\n').filter((l) => l.startsWith('| `'));
  assert.deepEqual(rows.map((r) => /^\| `([a-z_]+)`/.exec(r)![1]), allStreams().map((s) => s.name));
  for (const r of rows) assert.equal(r.split(' | ').length, 6, r);
  assert.ok(!table.includes('(not described)'), 'every stream says what it reads');
  assert.match(table, /\| `issues` \| `id` \| full refresh, incremental \| `updated` \|/);
  assert.match(table, /\| `sprints` \| `id` \| full refresh \| — \| `GET \/rest\/agile\/1\.0\/board\/\{id\}\/sprint` \(PageBean, 50 a page\) per `boards` row \| same \|/);
  assert.match(table, /\| `filters` .* \| Cloud only \|$/m);
});

test('a README without the markers is refused with the fix, not rewritten blindly', () => {
  assert.throws(() => withStreamsTable('# no table here\n', 'x'), /no streams table markers/);
  assert.equal(withStreamsTable(`a\n${TABLE_START}\nold\n${TABLE_END}\nb`, 'NEW'), 'a\nNEW\nb');
});
