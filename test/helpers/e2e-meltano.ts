// Runs the committed example Meltano project (examples/meltano/meltano.yml) against a simulator and a
// PostgreSQL database. Each test gets its own copy of the project in a temp dir, with its own system
// database and `file://` state backend; the copy differs from the example in one thing only: the
// extractor's executable is a wrapper that runs bin/tap-jira.js and also records what it printed, so the
// test can count the records the tap emitted. The loader's virtualenv is the one `meltano install`
// made for the example (linked, not reinstalled).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paths } from './e2e-env.js';
import { repoRoot } from './run-cli.js';

export interface MeltanoProject {
  dir: string;
  /** Everything the tap printed on stdout, across invocations since the last `resetTapOutput()`. */
  tapOutput(): string[];
  resetTapOutput(): void;
  /** Singer messages the tap emitted since the last reset. */
  tapMessages(): Array<Record<string, any>>;
  /** RECORD messages the tap emitted since the last reset. */
  tapRecords(): Array<Record<string, any>>;
  env: NodeJS.ProcessEnv;
  /** Deletes the project copy (its state, system database and recorded output). */
  cleanup(): void;
}

export interface MeltanoTargets {
  simUrl: string;
  pgPort: number;
  database: string;
}

export function prepareMeltanoProject(t: MeltanoTargets, extraEnv: NodeJS.ProcessEnv = {}): MeltanoProject {
  const dir = mkdtempSync(join(tmpdir(), 'jira-source-meltano-'));
  const tapOut = join(dir, 'tap-stdout.ndjson');
  const wrapper = join(dir, 'tap-jira-recorded.sh');
  writeFileSync(
    wrapper,
    [
      '#!/usr/bin/env bash',
      '# bin/tap-jira.js, with its stdout also appended to a file the test reads.',
      'set -o pipefail',
      `${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot, 'bin/tap-jira.js'))} "$@" | tee -a ${JSON.stringify(tapOut)}`,
      '',
    ].join('\n'),
  );
  chmodSync(wrapper, 0o755);

  // A text edit, not a YAML round trip, so the copy keeps the example's exact quoting and comments.
  const example = readFileSync(join(paths.meltanoExample, 'meltano.yml'), 'utf8');
  const tapExecutable = /^(\s*executable:\s*)\.\.\/\.\.\/bin\/tap-jira\.js\s*$/m;
  if (!tapExecutable.test(example)) throw new Error('examples/meltano/meltano.yml: tap-jira executable ../../bin/tap-jira.js not found');
  writeFileSync(join(dir, 'meltano.yml'), example.replace(tapExecutable, (_m, lead: string) => `${lead}${JSON.stringify(wrapper)}`));
  mkdirSync(join(dir, '.meltano'));
  symlinkSync(join(paths.meltanoExample, '.meltano/loaders'), join(dir, '.meltano/loaders'));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DO_NOT_TRACK: '1',
    MELTANO_DATABASE_URI: `sqlite:///${join(dir, '.meltano/meltano.db')}`,
    MELTANO_STATE_BACKEND_URI: `file://${join(dir, 'state')}`,
    MELTANO_CLI_LOG_LEVEL: 'info',
    NO_COLOR: '1',
    TAP_JIRA_BASE_URL: t.simUrl,
    TAP_JIRA_CREDENTIALS_EMAIL: 'demo@example.com',
    TAP_JIRA_CREDENTIALS_API_TOKEN: 'demo-token',
    TARGET_POSTGRES_HOST: '127.0.0.1',
    TARGET_POSTGRES_PORT: String(t.pgPort),
    TARGET_POSTGRES_USER: 'postgres',
    TARGET_POSTGRES_PASSWORD: 'unused-trust-auth',
    TARGET_POSTGRES_DATABASE: t.database,
    ...extraEnv,
  };
  const lines = () => (existsSync(tapOut) ? readFileSync(tapOut, 'utf8').split('\n') : []);
  // Singer messages are one-line objects with a `type`; the pretty-printed discover output and a line
  // cut by a kill are not.
  const messages = () =>
    lines().flatMap((l) => {
      try {
        const m = JSON.parse(l);
        return m && typeof m === 'object' && typeof m.type === 'string' ? [m as Record<string, any>] : [];
      } catch {
        return [];
      }
    });
  return {
    dir,
    env,
    tapOutput: lines,
    resetTapOutput: () => writeFileSync(tapOut, ''),
    tapMessages: () => messages(),
    tapRecords: () => messages().filter((m) => m.type === 'RECORD'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface MeltanoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
}

/**
 * Runs `meltano --environment=dev run tap-jira target-postgres` in the project. `killWhen` is polled
 * (every 50 ms after the previous answer); when it returns true the whole process group (meltano, tap, target) is killed with
 * SIGKILL, as a crashed machine or an evicted pod would be.
 */
export function runMeltano(
  project: MeltanoProject,
  opts: { killWhen?: () => boolean | Promise<boolean>; timeoutMs?: number; args?: string[] } = {},
): Promise<MeltanoRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(paths.meltano, ['--environment=dev', 'run', ...(opts.args ?? []), 'tap-jira', 'target-postgres'], {
      cwd: project.dir,
      env: project.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    let done = false;
    const poll = async (): Promise<void> => {
      while (!done) {
        if (await opts.killWhen!()) {
          if (!done) killGroup();
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    if (opts.killWhen) poll().catch(reject);
    const timer = setTimeout(() => {
      killGroup();
      reject(new Error(`meltano run timed out after ${opts.timeoutMs ?? 300000} ms; output tail:\n${output.slice(-3000)}`));
    }, opts.timeoutMs ?? 300000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done = true;
      if (signal) killGroup(); // leave no tap or target behind
      resolve({ code, signal, output, ms: Date.now() - started });
    });
  });
}

/**
 * The loaded live issues as [id, updated epoch ms] (schema `jira`, as the example configures): rows of
 * deleted issues stay, marked in _sdc_deleted_at (README "Deleted issues").
 */
export const ISSUES_QUERY = `SELECT id::text, round(extract(epoch FROM updated::timestamptz) * 1000)::bigint FROM jira.issues WHERE _sdc_deleted_at IS NULL`;
