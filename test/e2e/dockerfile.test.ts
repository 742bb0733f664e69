// The Dockerfile follows Airbyte's conventions for connector images, and metadata.yaml describes the same
// image. Without building it (test/e2e/image.test.ts builds and runs it, where podman is installed), this
// checks the instructions themselves, that metadata.yaml agrees with them, and that the entrypoint they
// name, inside exactly what the image receives (the `npm pack` contents), answers `spec`.
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
import { dockerfile, finalEntrypoint, finalStage, finalStagePairs, globalArgs, readMetadata } from '../helpers/dockerfile.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; license: string };

/** A FROM's image with its ${ARG} / $ARG references replaced by their defaults (the stage name dropped). */
function fromImage(args: string): string {
  return args.split(/\s+/)[0]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a?: string, b?: string) => {
    const v = globalArgs[(a ?? b)!];
    assert.ok(v !== undefined, `FROM ${args}: ARG ${a ?? b} has no default before the first FROM`);
    return v;
  });
}

test('Dockerfile: slim Node 20 multi-stage build, non-root, Airbyte labels and AIRBYTE_ENTRYPOINT', () => {
  const froms = dockerfile.filter((i) => i.op === 'FROM').map((i) => i.args);
  assert.ok(froms.length >= 2, 'multi-stage build');
  assert.match(fromImage(finalStage[0]!.args), /^node:20(\.\d+)*-slim(@sha256:[0-9a-f]+)?$/, 'runtime is node:20-slim by default');
  assert.equal(fromImage(froms[0]!), fromImage(finalStage[0]!.args), 'both stages build from the same base');

  const labels = finalStagePairs('LABEL');
  assert.equal(labels['io.airbyte.name'], 'airbyte/source-jira');
  assert.equal(labels['io.airbyte.version'], pkg.version, 'io.airbyte.version follows package.json');

  const user = finalStage.filter((i) => i.op === 'USER').at(-1)?.args;
  assert.ok(user && !/^(root|0)(:|$)/.test(user), `runs as a non-root user (USER ${user})`);

  const entry = finalEntrypoint();
  const env = finalStagePairs('ENV');
  assert.equal(env.AIRBYTE_ENTRYPOINT, entry.join(' '), 'AIRBYTE_ENTRYPOINT names the same command as ENTRYPOINT');
  assert.equal(entry[0], 'node');
  assert.deepEqual(entry.slice(1, -1), shebangNodeFlags(join(repoRoot, 'bin/source-jira.js')), 'the node flags on the bin\'s shebang line');

  const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  for (const p of ['node_modules', '.git', '.venv']) assert.ok(ignore.includes(p), `.dockerignore leaves out ${p}`);
});

test('metadata.yaml (Airbyte connector metadata) agrees with the image labels, package.json, spec.json and the base', () => {
  const meta = readMetadata();
  assert.equal(typeof meta.metadataSpecVersion, 'string');
  const d = meta.data;
  // The fields Airbyte's metadata schema requires, with values from its enums.
  for (const k of ['name', 'definitionId', 'connectorType', 'dockerRepository', 'dockerImageTag', 'license', 'documentationUrl', 'githubIssueLabel', 'connectorSubtype', 'releaseStage']) {
    assert.ok(typeof d[k] === 'string' && d[k] !== '', `metadata.yaml data.${k} is set`);
  }
  assert.match(d.definitionId as string, /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'definitionId is a UUID');
  assert.equal(d.connectorType, 'source');
  assert.equal(d.connectorSubtype, 'api');
  assert.ok(['alpha', 'beta', 'generally_available', 'custom'].includes(d.releaseStage as string), `releaseStage ${d.releaseStage}`);
  if (d.supportLevel !== undefined) assert.ok(['community', 'certified', 'enterprise', 'archived'].includes(d.supportLevel as string));

  const labels = finalStagePairs('LABEL');
  assert.equal(d.dockerRepository, labels['io.airbyte.name'], 'dockerRepository = the io.airbyte.name label');
  assert.equal(d.dockerImageTag, labels['io.airbyte.version'], 'dockerImageTag = the io.airbyte.version label');
  assert.equal(d.dockerImageTag, pkg.version, 'dockerImageTag = package.json version');
  assert.equal(d.license, pkg.license, 'license = package.json license');
  const spec = JSON.parse(readFileSync(join(repoRoot, 'spec.json'), 'utf8')) as { documentationUrl: string };
  assert.equal(d.documentationUrl, spec.documentationUrl, 'documentationUrl = spec.json documentationUrl');
  assert.equal((d.connectorBuildOptions as { baseImage?: string } | undefined)?.baseImage, globalArgs.BASE_IMAGE, 'connectorBuildOptions.baseImage = the Dockerfile\'s default BASE_IMAGE');
});

test('the entrypoint the image runs exists in the packed package and answers spec', async (t) => {
  requireConnector();
  const entry = finalEntrypoint();
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
