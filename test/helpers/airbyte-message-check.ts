// Local protocol check used until branch e2e's protocol-checks.ts lands: every Airbyte message must
// validate against the official v0.18.0 schema, and its payload key must be present (the schema
// alone only requires `type`).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { ValidateFunction } from 'ajv';
import { createAjv } from '../../src/config/ajv.js';
import { repoRoot } from './run-cli.js';

const PAYLOAD: Record<string, string> = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CATALOG: 'catalog',
  TRACE: 'trace',
  CONTROL: 'control',
};

/** shared/reference sits beside the clone (CI) or above the worktree (here): walk up to find it. */
export function sharedReference(file: string): string {
  for (let dir = repoRoot; ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared/reference', file);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`shared/reference/${file} not found above ${repoRoot}`);
  }
}

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (validate) return validate;
  const doc = parse(readFileSync(sharedReference('airbyte-protocol/airbyte_protocol.v0.18.0.yaml'), 'utf8'));
  const ajv = createAjv({ strict: false });
  ajv.addSchema(doc);
  validate = ajv.getSchema(`${doc.$id}#/definitions/AirbyteMessage`)!;
  return validate;
}

/** Problems found (empty when every message is valid). */
export function airbyteProblems(messages: unknown[]): string[] {
  const problems: string[] = [];
  messages.forEach((m, i) => {
    const v = validator();
    if (!v(m)) problems.push(`message ${i}: ${JSON.stringify(v.errors?.slice(0, 2))}: ${JSON.stringify(m).slice(0, 200)}`);
    const key = PAYLOAD[(m as { type?: string }).type ?? ''];
    if (!key || !(key in (m as object))) problems.push(`message ${i}: no payload for type: ${JSON.stringify(m).slice(0, 200)}`);
  });
  return problems;
}
