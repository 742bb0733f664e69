// The repo's Dockerfile and metadata.yaml as data, for the tests that check them against each other and
// against the image built from them (test/e2e/dockerfile.test.ts, test/e2e/image.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from './run-cli.js';

export interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions, continuation lines joined, comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
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

/** KEY=VALUE pairs of a LABEL, ENV or ARG instruction (values may be double-quoted). */
export function pairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/([\w.\-/]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) out[m[1]!] = m[2]!.startsWith('"') ? JSON.parse(m[2]!) : m[2]!;
  return out;
}

export const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
export const finalStage = dockerfile.slice(dockerfile.map((i) => i.op).lastIndexOf('FROM'));

/** Defaults of the ARGs declared before the first FROM (the only ones a FROM line may use). */
export const globalArgs: Record<string, string> = Object.assign(
  {},
  ...dockerfile.slice(0, dockerfile.findIndex((i) => i.op === 'FROM')).filter((i) => i.op === 'ARG').map((i) => pairs(i.args)),
);

/** The merged KEY=VALUE pairs of the final stage's instructions `op` (LABEL: the image's labels). */
export function finalStagePairs(op: 'LABEL' | 'ENV'): Record<string, string> {
  return Object.assign({}, ...finalStage.filter((i) => i.op === op).map((i) => pairs(i.args)));
}

/** The final stage's ENTRYPOINT (exec form). */
export function finalEntrypoint(): string[] {
  return JSON.parse(finalStage.find((i) => i.op === 'ENTRYPOINT')!.args) as string[];
}

export interface ConnectorMetadata {
  metadataSpecVersion: string;
  data: Record<string, unknown> & { dockerRepository: string; dockerImageTag: string };
}

export function readMetadata(): ConnectorMetadata {
  return parseYaml(readFileSync(join(repoRoot, 'metadata.yaml'), 'utf8')) as ConnectorMetadata;
}
