// Issue 15: the Airbyte image, built and run. scripts/build-image.sh builds the image from the repo's
// Dockerfile with podman (on a Node 20 base it makes here when node:20-slim cannot be pulled), and every
// command below goes through the image's own entrypoint, run as the image declares it (ENTRYPOINT, ENV,
// USER, WORKDIR), on the host network so it reaches the simulator on loopback. Config, catalog and state
// reach it the way Airbyte passes them: files in a folder mounted into the container.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { describeDiff, describeOrSkip, diffAgainstTruth, paths, requireConnector, requireInstalled, simConfig, skipUnlessInstalled, startSim } from '../helpers/e2e-env.js';
import { airbyteBin, repoRoot, runCli, runCommand, writeJsonFiles, type CliResult, type Message } from '../helpers/run-cli.js';
import { assertValidAirbyte } from '../helpers/protocol-checks.js';
import { statesAheadOfRecords } from '../helpers/state-coverage.js';
import { finalStagePairs, readMetadata } from '../helpers/dockerfile.js';
import { copyRepository, runSection } from '../helpers/readme-runner.js';

const script = join(repoRoot, 'scripts/build-image.sh');
const meta = readMetadata().data;
const image = `${meta.dockerRepository}:${meta.dockerImageTag}`;
const env = { IMAGE: image };

interface ImageConfig {
  Entrypoint: string[];
  Env: string[];
  User: string;
  WorkingDir: string;
  Labels: Record<string, string>;
}

function inspect(name: string): { Config: ImageConfig; Size: number } {
  return (JSON.parse(execFileSync('podman', ['image', 'inspect', name], { encoding: 'utf8' })) as Array<{ Config: ImageConfig; Size: number }>)[0]!;
}

/** The image's entrypoint with `args`, this folder mounted at /secrets (read-only). */
function inImage(dir: string, args: string[]): Promise<CliResult> {
  return runCommand('bash', [script, 'run', '-v', `${dir}:/secrets:ro`, ...args], { env, timeoutMs: 180_000 });
}

function ofType(r: CliResult, type: string): Message[] {
  return r.messages.filter((m) => m.type === type);
}

/** (id, updated ms) of the issues records, latest per id (Airbyte's Append + Deduped keeps that). */
function latestIssues(...runs: CliResult[]): Array<[string, number]> {
  const latest = new Map<string, number>();
  for (const r of runs) {
    for (const m of ofType(r, 'RECORD')) {
      if (m.record.stream !== 'issues') continue;
      const id = String(m.record.data.id);
      latest.set(id, Math.max(Date.parse(String(m.record.data.updated)), latest.get(id) ?? -Infinity));
    }
  }
  return [...latest];
}

/** The final state of each stream of a read, as the platform passes it back with --state. */
function finalState(r: CliResult): unknown[] {
  const byStream = new Map<string, unknown>();
  for (const m of ofType(r, 'STATE')) {
    const { sourceStats: _s, destinationStats: _d, ...st } = m.state;
    byStream.set(st.stream.stream_descriptor.name, st);
  }
  return [...byStream.values()];
}

describeOrSkip('The Airbyte image (scripts/build-image.sh), through its own entrypoint', skipUnlessInstalled(['podman']), () => {
  let sim: RunningSimulator;
  let dir: string;
  let catalog: { streams: any[] };
  const seededUntil = Date.now() - 3600_000; // a quiet server: the seeded history ended an hour ago

  /** Writes a JSON file into the mounted folder, readable by the image's unprivileged user. */
  function put(name: string, value: unknown): string {
    writeFileSync(join(dir, name), JSON.stringify(value));
    chmodSync(join(dir, name), 0o644);
    return `/secrets/${name}`;
  }

  before(async () => {
    requireInstalled(['podman']);
    requireConnector();
    const t0 = Date.now();
    const b = spawnSync('bash', [script], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 15 * 60_000 });
    assert.equal(b.status, 0, `scripts/build-image.sh failed:\n${b.stderr.slice(-3000)}`);
    console.log(`# image: ${image} built in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${(inspect(image).Size / 1e6).toFixed(0)} MB; ${b.stderr.trim().split('\n').join('; ')}`);
    dir = mkdtempSync(join(tmpdir(), 'jira-source-image-'));
    chmodSync(dir, 0o755);
    sim = await startSim({ seed: 15, issues: 400, now: seededUntil });
  });
  after(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('labels and AIRBYTE_ENTRYPOINT: the metadata.yaml and Dockerfile values; a non-root USER', () => {
    const c = inspect(image).Config;
    assert.equal(c.Labels['io.airbyte.name'], meta.dockerRepository);
    assert.equal(c.Labels['io.airbyte.version'], meta.dockerImageTag);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(c.Labels['io.airbyte.version'], pkg.version);
    for (const [k, v] of Object.entries(finalStagePairs('LABEL'))) assert.equal(c.Labels[k], v, `label ${k}`);
    const airbyteEntrypoint = c.Env.find((e) => e.startsWith('AIRBYTE_ENTRYPOINT='))?.slice('AIRBYTE_ENTRYPOINT='.length);
    assert.equal(airbyteEntrypoint, c.Entrypoint.join(' '), 'AIRBYTE_ENTRYPOINT names the ENTRYPOINT');
    assert.ok(c.User && !/^(root|0)(:|$)/.test(c.User), `USER ${c.User}`);
  });

  test('the entrypoint runs as the image declares it: its USER, WORKDIR and ENV', async (t) => {
    // A probe image on top of the built one, inheriting USER, WORKDIR and ENV, whose entrypoint reports them.
    const probe = `localhost/jira-source-probe:${process.pid}`;
    const probeScript = 'console.log(JSON.stringify({type:"PROBE",uid:process.getuid(),gid:process.getgid(),cwd:process.cwd(),env:process.env,args:process.argv.slice(1)}))';
    const ctx = mkdtempSync(join(tmpdir(), 'jira-source-probe-'));
    writeFileSync(join(ctx, 'Containerfile'), `FROM ${image}\nENTRYPOINT ["node", "-e", ${JSON.stringify(probeScript)}]\nCMD ["default-arg"]\n`);
    try {
      execFileSync('podman', ['build', '-q', '--isolation', 'chroot', '-t', probe, ctx], { stdio: ['ignore', 'ignore', 'pipe'] });
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
    t.after(() => spawnSync('podman', ['rmi', '-f', probe], { stdio: 'ignore' }));
    const r = await runCommand('bash', [script, 'run'], { env: { IMAGE: probe } });
    assert.equal(r.code, 0, r.stderr);
    const got = r.messages[0]!;
    const c = inspect(image).Config;
    // USER (a name or uid) resolved in the image's own /etc/passwd, as a container runtime does.
    const user = c.User.split(':')[0]!;
    const mnt = execFileSync('podman', ['image', 'mount', image], { encoding: 'utf8' }).trim();
    let entry: string[] | undefined;
    try {
      entry = readFileSync(join(mnt, 'etc/passwd'), 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === user || f[2] === user);
    } finally {
      execFileSync('podman', ['image', 'unmount', image], { stdio: 'ignore' });
    }
    assert.ok(entry, `USER ${user} is in the image's /etc/passwd`);
    const [uid, gid] = [Number(entry[2]), Number(entry[3])];
    assert.equal(got.uid, uid, `runs as USER ${c.User}`);
    assert.equal(got.gid, gid);
    assert.equal(got.cwd, c.WorkingDir);
    for (const e of c.Env) {
      const i = e.indexOf('=');
      assert.equal(got.env[e.slice(0, i)], e.slice(i + 1), `ENV ${e.slice(0, i)}`);
    }
    assert.equal(got.env.NODE_EXTRA_CA_CERTS, undefined, 'nothing of the host\'s environment leaks in');
    assert.deepEqual(got.args, ['default-arg'], 'no arguments given: the image\'s CMD');
    const withArgs = await runCommand('bash', [script, 'run', 'given', 'args'], { env: { IMAGE: probe } });
    assert.deepEqual(withArgs.messages[0]?.args, ['given', 'args'], 'arguments given replace CMD');
  });

  test('spec equals the CLI\'s spec', async () => {
    const [img, cli] = await Promise.all([inImage(dir, ['spec']), runCli(airbyteBin, ['spec'])]);
    assert.equal(img.code, 0, img.stderr.slice(-2000));
    assert.deepEqual(img.badLines, []);
    assertValidAirbyte(img.messages);
    assert.deepEqual(ofType(img, 'SPEC'), ofType(cli, 'SPEC'));
    assert.equal(ofType(img, 'SPEC').length, 1);
  });

  test('check: SUCCEEDED against the simulator, FAILED with a wrong token (which is never printed)', async () => {
    const good = await inImage(dir, ['check', '--config', put('config.json', simConfig(sim.url))]);
    assert.equal(good.code, 0, good.stderr.slice(-2000));
    assert.deepEqual(ofType(good, 'CONNECTION_STATUS').map((m) => m.connectionStatus.status), ['SUCCEEDED']);
    const badConfig = simConfig(sim.url, { credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'wrong-token-15' } });
    const bad = await inImage(dir, ['check', '--config', put('bad.json', badConfig)]);
    assert.equal(bad.code, 0, bad.stderr.slice(-2000));
    assert.deepEqual(ofType(bad, 'CONNECTION_STATUS').map((m) => m.connectionStatus.status), ['FAILED']);
    assert.doesNotMatch(bad.stdout + bad.stderr, /wrong-token-15|demo-token/);
    assertValidAirbyte([...good.messages, ...bad.messages]);
  });

  test('discover: the CLI\'s catalog', async () => {
    const config = put('config.json', simConfig(sim.url));
    const img = await inImage(dir, ['discover', '--config', config]);
    assert.equal(img.code, 0, img.stderr.slice(-2000));
    assertValidAirbyte(img.messages);
    const cat = ofType(img, 'CATALOG');
    assert.equal(cat.length, 1);
    catalog = cat[0]!.catalog;
    const cli = await runCli(airbyteBin, ['discover', '--config', writeJsonFiles({ config: simConfig(sim.url) }).config!]);
    assert.deepEqual(catalog, ofType(cli, 'CATALOG')[0]!.catalog);
    assert.ok(catalog.streams.some((s) => s.name === 'issues'));
  });

  test('PyAirbyte\'s docker executor runs the image: check passes, a wrong token fails it, issues read = the truth', { skip: skipUnlessInstalled(['pyairbyte']) }, async () => {
    requireInstalled(['pyairbyte']);
    // PyAirbyte starts the image with `docker run --rm -i --volume ... --network host IMAGE ARGS`; where no
    // docker engine runs, the `docker` on its PATH hands that command line to scripts/build-image.sh.
    const work = mkdtempSync(join(tmpdir(), 'jira-source-image-pyairbyte-'));
    try {
      chmodSync(work, 0o755);
      for (const d of ['bin', 'tmp', 'cache']) mkdirSync(join(work, d), { mode: 0o755 });
      writeFileSync(join(work, 'bin/docker'), `#!/bin/sh\nexec bash ${JSON.stringify(script)} docker "$@"\n`, { mode: 0o755 });
      const request = {
        config: simConfig(sim.url),
        bad_config: simConfig(sim.url, { credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'wrong-token-15' } }),
        cache_dir: join(work, 'cache'),
      };
      // Asynchronously: the simulator answers from this process.
      const r = await runCommand(paths.pyairbytePython, [join(repoRoot, 'test/e2e/pyairbyte_docker_run.py'), image, JSON.stringify(request)], {
        env: { PATH: `${join(work, 'bin')}:${process.env.PATH}`, AIRBYTE_PROJECT_DIR: work, AIRBYTE_TEMP_DIR: join(work, 'tmp'), AIRBYTE_OFFLINE_MODE: '1', DO_NOT_TRACK: '1', NO_COLOR: '1' },
        timeoutMs: 300_000,
      });
      assert.equal(r.code, 0, `PyAirbyte failed:\n${(r.stdout + r.stderr).slice(-4000)}`);
      const out = r.messages.at(-1) as { check: boolean | string; bad_check: boolean | string; records_read: number; rows: Array<[string, number]> };
      assert.equal(out.check, true);
      assert.equal(out.bad_check, 'AirbyteConnectorCheckFailedError');
      assert.doesNotMatch(r.stdout + r.stderr, /wrong-token-15|demo-token/);
      const truth = sim.control.truth();
      assert.equal(describeDiff(diffAgainstTruth(out.rows, truth)), '', 'the cache = the truth (a quiet server: one row per issue)');
      console.log(`# image: PyAirbyte docker executor read ${out.records_read} records = truth (${truth.length})`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('read, then an incremental read from its state: the issues equal the simulator\'s truth', async () => {
    assert.ok(catalog, 'discover ran');
    const issues = catalog.streams.find((s) => s.name === 'issues')!;
    const configured = {
      streams: [{ stream: issues, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: issues.default_cursor_field, primary_key: issues.source_defined_primary_key }],
    };
    const args = ['read', '--config', put('config.json', simConfig(sim.url, { page_size: 100 })), '--catalog', put('catalog.json', configured)];

    const r1 = await inImage(dir, args);
    assert.equal(r1.code, 0, r1.stderr.slice(-2000));
    assert.deepEqual(r1.badLines, []);
    assertValidAirbyte(r1.messages, { catalog: { streams: [issues] } });
    const truth1 = sim.control.truth();
    assert.equal(describeDiff(diffAgainstTruth(latestIssues(r1), truth1)), '', 'read 1 = the truth');
    assert.deepEqual(statesAheadOfRecords(r1.messages, truth1), []);

    const changed = [...sim.control.updateIssues(20), ...sim.control.createIssues(5)];
    const r2 = await inImage(dir, [...args, '--state', put('state.json', finalState(r1))]);
    assert.equal(r2.code, 0, r2.stderr.slice(-2000));
    assertValidAirbyte(r2.messages, { catalog: { streams: [issues] } });
    const truth2 = sim.control.truth();
    assert.equal(describeDiff(diffAgainstTruth(latestIssues(r1, r2), truth2)), '', 'read 1 + the incremental read 2 = the truth');
    assert.deepEqual(statesAheadOfRecords([...r1.messages, ...r2.messages], truth2), [], 'no STATE covers an issue not emitted by read 1 or 2');
    const read2 = new Set(latestIssues(r2).map(([id]) => id));
    assert.deepEqual(changed.filter((id) => !read2.has(id)), [], 'read 2 fetched every change');
    const changedSinceStart = truth2.filter((t) => t.updated >= seededUntil).length;
    assert.ok(read2.size <= changedSinceStart, `read 2 fetched only changes: ${read2.size} issues, ${changedSinceStart} changed`);
    console.log(`# image: read 1 ${latestIssues(r1).length} issues, incremental read 2 ${read2.size} (${changed.length} changed) = truth (${truth2.length})`);
  });

  test('README, The Airbyte image: its commands build the image in a bare copy of the repository and answer spec', async () => {
    const copy = await copyRepository();
    try {
      await runSection(copy, 'The Airbyte image', {
        timeoutMs: 15 * 60_000,
        check: (run) => {
          const specs = run.output.split('\n').filter((l) => l.startsWith('{"type":"SPEC"'));
          assert.equal(specs.length, 1, `one SPEC line:\n${run.output.slice(-3000)}`);
        },
      });
    } finally {
      copy.cleanup();
    }
  });
});
