// Runs the README's command blocks as a user would, in a temporary copy of the repository. The
// convention, visible in README.md itself:
//
//   - A ```bash block is a runnable command block. ```sh, ```console, ```json, ```python, ```ts …
//     blocks are illustrations and are not run (syntax summaries, `...` placeholders, docker).
//   - A block whose info string names a file (```json file=config.json, ```python file=x.py, even
//     ```bash file=x.sh) is not run: its text is written to that file, relative to the directory the
//     section's shell is in at that point, as the README tells the reader to save it.
//   - Blocks are grouped by `## ` section (a `### ` heading stays inside its section). A test names
//     the sections it runs, in README order; each must exist and hold at least one ```bash or file=
//     block, so a section that lost its commands fails instead of passing quietly. Blocks added to a named
//     section are picked up without touching the test.
//   - All blocks of one section run in order in ONE bash process (`set -eo pipefail`) that starts at
//     the copy's root: `cd`, variables and background jobs carry from block to block, as in one
//     terminal; nothing but files carries from one section to the next.
//   - Servers: a command line ending in `&` (before any comment) starts a server in the background;
//     the runner waits until the port that line names (`--port N`) accepts connections before the
//     next line runs, and fails if the line names no port. Background jobs are killed at the end of
//     the section (after the test's checks, so they can still ask the simulator). PostgreSQL servers
//     started with scripts/start-postgres.sh land under the section's own TMPDIR and are stopped there.
//   - Port 8080, the README's simulator port, is replaced by one free port per copy in every block
//     (commands and files alike, so config.json and the simulator agree), so README tests can run
//     beside each other and beside a user's own 8080.
//
// The copy holds the repository's files (git's tracked and untracked-not-ignored ones) and nothing
// beside it (no sibling folders). It gets no node_modules and no dist: the README's own `npm ci` and
// build make them, with npm told to prefer its cache (no network needed once `npm ci` ran anywhere on
// the machine). The Python virtualenvs are linked in from the checkout (`.venv`, and the example Meltano
// project's installed loaders), as `bash scripts/setup-e2e.sh` leaves them, so a block that runs
// setup-e2e.sh or `meltano install` finds them in place instead of downloading them again. Variables of
// the tools the README configures (TAP_JIRA_*, TARGET_*, AIRBYTE_*) are removed from the environment:
// the README's own commands must set what they need.
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './run-cli.js';

export interface ReadmeBlock {
  lang: string;
  /** set when the info string says file=NAME */
  file?: string;
  text: string;
  /** 1-based line of the opening fence */
  line: number;
}

export interface ReadmeSection {
  title: string;
  blocks: ReadmeBlock[];
}

export function parseReadme(markdown: string): ReadmeSection[] {
  const sections: ReadmeSection[] = [{ title: '', blocks: [] }];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('## ')) {
      sections.push({ title: line.slice(3).trim(), blocks: [] });
      continue;
    }
    const fence = /^```(\S*)(.*)$/.exec(line);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !lines[i]!.startsWith('```')) body.push(lines[i]!);
    const file = /(?:^|\s)file=(\S+)/.exec(fence[2]!)?.[1];
    sections.at(-1)!.blocks.push({ lang: fence[1]!, file, text: body.join('\n') + '\n', line: start + 1 });
  }
  return sections;
}

export const isRunnable = (b: ReadmeBlock): boolean => b.file !== undefined || b.lang === 'bash';

const PRELUDE = `set -eo pipefail
__readme_wait_port() {
  local i
  for i in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "readme-runner: nothing listens on port $1 60 s after the background command of README.md:$2" >&2
  return 1
}
`;

/** The bash script for one section: the README's blocks, file blocks as heredocs, a port wait after each `&` line. */
export function sectionScript(section: ReadmeSection, port: number): string {
  const out = [PRELUDE];
  for (const block of section.blocks.filter(isRunnable)) {
    const text = block.text.replace(/\b8080\b/g, String(port));
    out.push(`echo "readme-runner: README.md:${block.line}${block.file ? ` (writes ${block.file})` : ''}" >&2`);
    if (block.file !== undefined) {
      if (text.includes('\n__README_EOF__\n')) throw new Error(`README.md:${block.line}: the block contains the runner's heredoc delimiter`);
      out.push(`cat > ${JSON.stringify(block.file)} <<'__README_EOF__'\n${text}__README_EOF__`);
      continue;
    }
    text.split('\n').forEach((line, k) => {
      out.push(line);
      if (!/(^|[^&])&\s*(#.*)?$/.test(line)) return;
      const p = /--port[ =](\d+)/.exec(line)?.[1];
      if (p === undefined) throw new Error(`README.md:${block.line + 1 + k}: a background command without --port N; the runner cannot tell when it is ready`);
      out.push(`__readme_wait_port ${p} ${block.line + 1 + k}`);
    });
  }
  return out.join('\n') + '\n';
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function repoFiles(): string[] {
  if (existsSync(join(repoRoot, '.git'))) {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
    return out.split('\0').filter((f) => f !== '' && existsSync(join(repoRoot, f)));
  }
  // Not a git checkout (an unpacked archive): everything but what builds and installs make.
  const skip = new Set(['.git', 'node_modules', 'dist', '.venv', '.e2e', '.meltano']);
  const walk = (rel: string): string[] =>
    readdirSync(join(repoRoot, rel)).flatMap((name) => {
      if (skip.has(name)) return [];
      const p = rel ? `${rel}/${name}` : name;
      return statSync(join(repoRoot, p)).isDirectory() ? walk(p) : [p];
    });
  return walk('');
}

export interface ReadmeCopy {
  /** the copy's root (its parent folder holds nothing else) */
  dir: string;
  /** what stands for 8080 in this copy's blocks */
  port: number;
  readme: ReadmeSection[];
  cleanup(): void;
}

export async function copyRepository(): Promise<ReadmeCopy> {
  const parent = mkdtempSync(join(tmpdir(), 'jira-source-readme-'));
  const dir = join(parent, 'jira-source');
  const cleanup = () => rmSync(parent, { recursive: true, force: true });
  try {
    for (const f of repoFiles()) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      copyFileSync(join(repoRoot, f), join(dir, f));
      chmodSync(join(dir, f), statSync(join(repoRoot, f)).mode);
    }
    const link = (rel: string) => {
      if (!existsSync(join(repoRoot, rel))) return;
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      symlinkSync(join(repoRoot, rel), join(dir, rel));
    };
    link('.venv');
    link('examples/meltano/.meltano/loaders');
  } catch (err) {
    cleanup();
    throw err;
  }
  return {
    dir,
    port: await freePort(),
    readme: parseReadme(readFileSync(join(dir, 'README.md'), 'utf8')),
    cleanup,
  };
}

export interface SectionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they came */
  output: string;
  port: number;
  ms: number;
}

function baseEnv(tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(TAP_JIRA_|TARGET_|AIRBYTE_)/.test(k)) env[k] = v;
  return {
    ...env,
    TMPDIR: tmp,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DO_NOT_TRACK: '1',
    NO_COLOR: '1',
  };
}

function stopPostgresUnder(tmp: string): void {
  for (const name of existsSync(tmp) ? readdirSync(tmp) : []) {
    if (!name.startsWith('jira-source-pg.')) continue;
    execFileSync('bash', [join(repoRoot, 'scripts/start-postgres.sh'), '--stop', join(tmp, name)], { stdio: 'ignore' });
  }
}

/**
 * Runs one section's blocks in the copy (see the convention above). `check` runs after the section's
 * shell has exited and before its background jobs are killed; its failure fails the run.
 */
export async function runSection(
  copy: ReadmeCopy,
  title: string,
  opts: { timeoutMs?: number; check?: (run: SectionRun) => void | Promise<void> } = {},
): Promise<SectionRun> {
  // "Quick start" names "## Quick start (no Jira account needed)": a title may go on after a space or comma.
  const section = copy.readme.find((s) => s.title === title || (s.title.startsWith(title) && /^[ ,]/.test(s.title.slice(title.length))));
  if (!section) throw new Error(`README.md has no section "## ${title}" (sections: ${copy.readme.map((s) => s.title).filter(Boolean).join(' | ')})`);
  if (!section.blocks.some(isRunnable)) {
    throw new Error(`README.md section "${section.title}" has no \`\`\`bash block and no file= block to run`);
  }
  const port = copy.port;
  const tmp = mkdtempSync(join(tmpdir(), 'jira-source-readme-tmp-'));
  chmodSync(tmp, 0o755); // PostgreSQL runs as its own user when the tests run as root
  const script = join(tmp, 'section.sh');
  writeFileSync(script, sectionScript(section, port));
  const started = Date.now();
  const child = spawn('bash', [script], { cwd: copy.dir, env: baseEnv(tmp), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* the group is gone */
    }
  };
  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      const timer = setTimeout(() => {
        killGroup('SIGKILL');
        reject(new Error(`README section "${section.title}" timed out after ${opts.timeoutMs ?? 300000} ms; output tail:\n${output.slice(-4000)}`));
      }, opts.timeoutMs ?? 300000);
      child.on('error', reject);
      // 'exit', not 'close': a server the section left in the background still holds the pipes open.
      child.on('exit', (c, s) => {
        clearTimeout(timer);
        resolve({ code: c, signal: s });
      });
    });
    const run: SectionRun = { code, signal, output, port, ms: Date.now() - started };
    if (code !== 0) throw new Error(`README section "${section.title}" failed (${signal ?? `exit ${code}`}); output tail:\n${output.slice(-6000)}`);
    await opts.check?.(run);
    return run;
  } finally {
    killGroup('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    killGroup('SIGKILL');
    stopPostgresUnder(tmp);
    rmSync(tmp, { recursive: true, force: true });
  }
}
