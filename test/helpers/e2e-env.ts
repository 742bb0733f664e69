// What the end-to-end tests need on the machine, where it lives, and what to do when it is missing:
// under CI (CI=true) a missing prerequisite fails the test with the command that installs it; on a
// developer machine the tests that need the Python tools are skipped with that reason instead.
// The connector and the simulator are never skipped for: without them the tests fail.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import type { RunningSimulator, SimulatorOptions, TruthIssue } from '../../src/simulator/types.js';
import { repoRoot } from './run-cli.js';

export const paths = {
  meltano: join(repoRoot, '.venv/meltano/bin/meltano'),
  pyairbytePython: join(repoRoot, '.venv/pyairbyte/bin/python'),
  targetCsv: join(repoRoot, '.venv/target-csv/bin/target-csv'),
  meltanoExample: join(repoRoot, 'examples/meltano'),
  targetPostgres: join(repoRoot, 'examples/meltano/.meltano/loaders/target-postgres/venv/bin/target-postgres'),
  airbyteCli: join(repoRoot, 'dist/src/cli/airbyte.js'),
  singerCli: join(repoRoot, 'dist/src/cli/singer.js'),
  simulator: join(repoRoot, 'dist/src/simulator/index.js'),
};

export type Prerequisite = 'postgres' | 'meltano' | 'pyairbyte' | 'target-csv' | 'podman';

const SETUP = 'run `bash scripts/setup-e2e.sh` (as root; installs PostgreSQL, podman and mmdebstrap from Debian and the pinned Python tools into .venv/)';

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function hasPostgres(): boolean {
  try {
    const out = execFileSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin/initdb && command -v psql'], { encoding: 'utf8' });
    return out.trim() !== '';
  } catch {
    return false;
  }
}

function missing(which: Prerequisite[]): string[] {
  const out: string[] = [];
  for (const w of which) {
    if (w === 'postgres' && !hasPostgres()) out.push('PostgreSQL server binaries (initdb) and psql');
    if (w === 'meltano' && !existsSync(paths.meltano)) out.push(`meltano (${paths.meltano})`);
    if (w === 'meltano' && !existsSync(paths.targetPostgres)) out.push(`target-postgres of the example project (${paths.targetPostgres})`);
    if (w === 'pyairbyte' && !existsSync(paths.pyairbytePython)) out.push(`PyAirbyte virtualenv (${paths.pyairbytePython})`);
    if (w === 'target-csv' && !existsSync(paths.targetCsv)) out.push(`target-csv virtualenv (${paths.targetCsv})`);
    if (w === 'podman' && !(hasCommand('podman') && hasCommand('mmdebstrap'))) out.push('podman and mmdebstrap (to build the image)');
    if (w === 'podman' && process.getuid?.() !== 0) out.push('root (scripts/build-image.sh needs it for mmdebstrap, podman\'s storage and the chroot: run the tests as root)');
  }
  return out;
}

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/** For node:test's `skip` option: a reason outside CI when prerequisites are missing, else false. */
export function skipUnlessInstalled(which: Prerequisite[]): string | false {
  if (inCI) return false;
  const m = missing(which);
  return m.length ? `missing ${m.join(', ')}; ${SETUP}` : false;
}

/**
 * describe(), or, when `skip` gives a reason, one skipped test in its place: node's summary counts
 * skipped tests but not skipped suites, so a skipped describe showed "skipped 0". Nothing of the
 * suite runs then, not even its before() hooks.
 */
export function describeOrSkip(name: string, skip: string | false, fn: () => void): void {
  if (skip) test(name, { skip }, () => {});
  else describe(name, fn);
}

/** First line of a test body: throws (fails the test) naming what is missing and how to install it. */
export function requireInstalled(which: Prerequisite[]): void {
  const m = missing(which);
  if (m.length) throw new Error(`end-to-end prerequisite missing: ${m.join(', ')}; ${SETUP}`);
}

/** Throws unless the connector is built (the e2e tests exist to prove it, so they never skip for it). */
export function requireConnector(): void {
  for (const p of [paths.airbyteCli, paths.singerCli]) {
    if (!existsSync(p)) throw new Error(`connector not built: ${p} is missing; run \`npm run build\` (the connector sources live in src/cli)`);
  }
}

/** Starts the in-process simulator (the contract in src/simulator/types.ts). */
export async function startSim(options: SimulatorOptions): Promise<RunningSimulator> {
  if (!existsSync(paths.simulator)) throw new Error(`simulator not built: ${paths.simulator} is missing; run \`npm run build\``);
  const mod = (await import(pathToFileURL(paths.simulator).href)) as {
    startSimulator(o: SimulatorOptions): RunningSimulator | Promise<RunningSimulator>;
  };
  return await mod.startSimulator(options);
}

/** The connector config for a simulator (its default credentials), as spec.json defines it. */
export function simConfig(url: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    base_url: url,
    credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' },
    start_date: '2020-01-01T00:00:00Z',
    lookback_minutes: 5,
    page_size: 1000,
    request_timeout_seconds: 60,
    max_concurrency: 8,
    ...overrides,
  };
}

export interface TruthDiff {
  missing: string[];
  extra: string[];
  duplicates: string[];
  /** ids whose `updated` differs: [id, loaded, truth] */
  stale: Array<[string, number, number]>;
}

/** Compares loaded (id, updated epoch ms) rows with the simulator's truth. */
export function diffAgainstTruth(rows: ReadonlyArray<readonly [string, number]>, truth: ReadonlyArray<TruthIssue>): TruthDiff {
  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  for (const [id, updated] of rows) {
    if (seen.has(id)) duplicates.push(id);
    seen.set(id, updated);
  }
  const truthIds = new Set(truth.map((t) => t.id));
  const missing: string[] = [];
  const stale: Array<[string, number, number]> = [];
  for (const t of truth) {
    const got = seen.get(t.id);
    if (got === undefined) missing.push(t.id);
    else if (got !== t.updated) stale.push([t.id, got, t.updated]);
  }
  const extra = [...seen.keys()].filter((id) => !truthIds.has(id));
  return { missing, extra, duplicates, stale };
}

/** A one-paragraph description of a diff for assertion messages ('' when equal). */
export function describeDiff(d: TruthDiff): string {
  const parts: string[] = [];
  const few = (xs: unknown[]) => JSON.stringify(xs.slice(0, 5)) + (xs.length > 5 ? ` (+${xs.length - 5})` : '');
  if (d.missing.length) parts.push(`${d.missing.length} live issues missing ${few(d.missing)}`);
  if (d.extra.length) parts.push(`${d.extra.length} rows for issues that do not exist ${few(d.extra)}`);
  if (d.duplicates.length) parts.push(`${d.duplicates.length} duplicate ids ${few(d.duplicates)}`);
  if (d.stale.length) parts.push(`${d.stale.length} rows at an old \`updated\` [id, loaded, truth] ${few(d.stale)}`);
  return parts.join('; ');
}
