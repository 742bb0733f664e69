// The connection spec (spec.json at the package root) is the single source of the config schema:
// Airbyte `spec`, Singer `--about` settings and config validation all read it from here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject } from '../streams/stream.js';

export interface ConnectorSpec {
  documentationUrl: string;
  connectionSpecification: JsonObject;
  /** Airbyte's description of the OAuth consent flow (credentials.auth_type "oauth2"). */
  advanced_auth?: JsonObject;
}

/** Package root: this file runs from dist/src/config/, spec.json sits three levels up. */
export const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));

let cached: ConnectorSpec | undefined;

export function loadSpec(): ConnectorSpec {
  cached ??= JSON.parse(readFileSync(join(packageRoot, 'spec.json'), 'utf8')) as ConnectorSpec;
  return cached;
}

/** Names of config properties marked `airbyte_secret` anywhere in the spec. */
export function secretPropertyNames(schema: unknown = loadSpec().connectionSpecification): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const props = (node as JsonObject).properties;
    if (props && typeof props === 'object') {
      for (const [name, sub] of Object.entries(props as JsonObject)) {
        if ((sub as JsonObject | null)?.airbyte_secret === true) names.add(name);
      }
    }
    Object.values(node).forEach(walk);
  };
  walk(schema);
  return names;
}
