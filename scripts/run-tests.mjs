// Runs every compiled *.test.js under dist/test with Node's built-in runner.
// Node 20 has no glob support in `node --test`, and giving it the directory would
// also run helper modules, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2); // optional sub-folders, e.g. `unit integration`
const roots = only.length ? only.map((d) => join('dist/test', d)) : ['dist/test'];
const files = roots.flatMap(find).sort();
if (files.length === 0) {
  console.error('no test files found under ' + roots.join(', '));
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
