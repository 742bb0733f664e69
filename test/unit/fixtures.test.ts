// The reference documents the tests validate against live in the repository (test/fixtures), so the
// suite passes in a bare clone. A missing or hand-edited file fails here, never skips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROTOCOL_SCHEMA_FILE } from '../helpers/protocol-checks.js';
import { repoRoot } from '../helpers/run-cli.js';
import { SPEC_DIR } from '../simulator/openapi.js';

interface Extractor {
  NEEDED: Record<string, { paths: [string, string][]; components: string[] }>;
  extract(doc: unknown, needed: unknown, file: string): Record<string, any>;
}

test('the Airbyte protocol schema and its well-known types are in test/fixtures', () => {
  for (const file of [PROTOCOL_SCHEMA_FILE, join(repoRoot, 'test/fixtures/airbyte-protocol/well_known_types.yaml')]) {
    assert.ok(existsSync(file), `${file} is missing`);
  }
});

test('each Jira OpenAPI extract is exactly what scripts/extract-openapi.mjs keeps: every needed part, nothing else', async () => {
  const script = (await import(pathToFileURL(join(repoRoot, 'scripts/extract-openapi.mjs')).href)) as Extractor;
  for (const [file, needed] of Object.entries(script.NEEDED)) {
    const doc = JSON.parse(readFileSync(join(SPEC_DIR, file), 'utf8')) as Record<string, any>;
    // Extracting again from the extract throws when a needed path or schema is missing, and differs
    // when the file holds more than the script would keep.
    assert.deepEqual(script.extract(doc, needed, file), doc, `${file} is not the script's extract; run scripts/extract-openapi.mjs`);
    assert.equal(doc.info?.license?.name, 'Apache 2.0', `${file}: info.license names the license of the extract`);
  }
});
