// The Dockerfile follows Airbyte's conventions for connector images. No Docker engine runs on our
// machines, so this checks what can be checked without one: the instructions themselves, and that the
// entrypoint it names, inside exactly what the image receives (the `npm pack` contents), answers `spec`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { assertValidAirbyte } from '../helpers/protocol-checks.js';
import { requireConnector } from '../helpers/e2e-env.js';
import { shebangNodeFlags } from '../../bench/connector-process.js';

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    current += (current ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const m = /^(\w+)\s+(.*)$/.exec(current);
    if (m) out.push({ op: m[1]!.toUpperCase(), args: m[2]! });
    current = '';
  }
  return out;
}

/** KEY=VALUE pairs of a LABEL or ENV instruction (values may be double-quoted). */
function pairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/([\w.\-/]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) out[m[1]!] = m[2]!.startsWith('"') ? JSON.parse(m[2]!) : m[2]!;
  return out;
}

const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
const finalStage = dockerfile.slice(dockerfile.map((i) => i.op).lastIndexOf('FROM'));
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

test('Dockerfile: slim Node 20 multi-stage build, non-root, Airbyte labels and AIRBYTE_ENTRYPOINT', () => {
  const froms = dockerfile.filter((i) => i.op === 'FROM').map((i) => i.args);
  assert.ok(froms.length >= 2, 'multi-stage build');
  assert.match(finalStage[0]!.args, /^node:20(\.\d+)*-slim(@sha256:[0-9a-f]+)?$/, 'runtime is node:20-slim');

  const labels = Object.assign({}, ...finalStage.filter((i) => i.op === 'LABEL').map((i) => pairs(i.args)));
  assert.equal(labels['io.airbyte.name'], 'airbyte/source-jira');
  assert.equal(labels['io.airbyte.version'], pkg.version, 'io.airbyte.version follows package.json');

  const user = finalStage.filter((i) => i.op === 'USER').at(-1)?.args;
  assert.ok(user && !/^(root|0)(:|$)/.test(user), `runs as a non-root user (USER ${user})`);

  const entry = JSON.parse(finalStage.find((i) => i.op === 'ENTRYPOINT')!.args) as string[];
  const env = Object.assign({}, ...finalStage.filter((i) => i.op === 'ENV').map((i) => pairs(i.args)));
  assert.equal(env.AIRBYTE_ENTRYPOINT, entry.join(' '), 'AIRBYTE_ENTRYPOINT names the same command as ENTRYPOINT');
  assert.equal(entry[0], 'node');
  assert.deepEqual(entry.slice(1, -1), shebangNodeFlags(join(repoRoot, 'bin/source-jira.js')), 'the node flags on the bin\'s shebang line');

  const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  for (const p of ['node_modules', '.git', '.venv']) assert.ok(ignore.includes(p), `.dockerignore leaves out ${p}`);
});

test('the entrypoint the image runs exists in the packed package and answers spec', async (t) => {
  requireConnector();
  const entry = JSON.parse(finalStage.find((i) => i.op === 'ENTRYPOINT')!.args) as string[];
  // COPY --from=build /app /airbyte: the image's /airbyte is the unpacked `npm pack` of this repo.
  const copy = finalStage.find((i) => i.op === 'COPY' && /--from=build/.test(i.args))!.args.split(/\s+/).filter((a) => !a.startsWith('--'));
  const [from, to] = [copy[0]!, copy[1]!];
  assert.equal(from, '/app');
  const script = entry[entry.length - 1]!;
  assert.ok(script.startsWith(`${to}/`), `entrypoint ${script} lies in ${to}`);
  const relative = script.slice(to.length + 1);

  const dir = mkdtempSync(join(tmpdir(), 'jira-source-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('npm', ['pack', '--pack-destination', dir], { cwd: repoRoot, stdio: 'ignore' });
  execFileSync('tar', ['-xzf', join(dir, `jira-source-${pkg.version}.tgz`), '-C', dir]);
  const app = join(dir, 'package');
  assert.ok(existsSync(join(app, relative)), `${relative} is in the package`);
  symlinkSync(join(repoRoot, 'node_modules'), join(app, 'node_modules')); // the image installs the same dependencies

  const r = await runCli(join(app, relative), ['spec']);
  assert.equal(r.code, 0, r.stderr.slice(-1000));
  assert.deepEqual(r.badLines, []);
  assert.equal(r.messages.filter((m) => m.type === 'SPEC').length, 1);
  assertValidAirbyte(r.messages);
});
