// Loads Jira's OpenAPI documents (the extracts in test/fixtures/jira-openapi) into ajv: OpenAPI 3.0 `nullable` becomes a JSON
// Schema null type, and response schemas are looked up by path and method.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { repoRoot } from '../helpers/run-cli.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ?? formatsPlugin) as unknown as (a: Ajv) => void;

/** The parts of Jira's OpenAPI documents the fidelity tests use (scripts/extract-openapi.mjs writes them). */
export const SPEC_DIR = join(repoRoot, 'test/fixtures/jira-openapi');

type Node = Record<string, unknown>;

/** OpenAPI 3.0 -> JSON Schema: `nullable: true` allows null. */
export function translate(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(translate);
  if (!node || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node as Node)) out[k] = k === 'example' || k === 'examples' ? undefined : translate(v);
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.$ref || out.allOf || out.oneOf || out.anyOf) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

export class SpecValidator {
  private ajv: Ajv;
  private doc: Node;
  constructor(file: string, id: string) {
    this.doc = JSON.parse(readFileSync(join(SPEC_DIR, file), 'utf8')) as Node;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    for (const f of ['int32', 'int64', 'double', 'float', 'binary', 'byte', 'password']) this.ajv.addFormat(f, true);
    this.ajv.addSchema({ $id: id, components: translate((this.doc as { components: unknown }).components) }, id);
    this.id = id;
  }
  private id: string;

  responseSchema(path: string, method: string): unknown {
    const op = ((this.doc.paths as Node)[path] as Node | undefined)?.[method.toLowerCase()] as Node | undefined;
    const schema = (((op?.responses as Node)?.['200'] as Node)?.content as Node)?.['application/json'] as Node | undefined;
    if (!schema?.schema) throw new Error(`no 200 JSON response schema for ${method} ${path}`);
    return schema.schema;
  }

  /** Compile a schema that may hold `#/components/...` refs of this document. */
  compile(schema: unknown): ValidateFunction {
    const rewritten = JSON.parse(JSON.stringify(translate(schema)).replace(/"#\/components\//g, `"${this.id}#/components/`));
    return this.ajv.compile(rewritten);
  }

  forResponse(path: string, method: string): ValidateFunction {
    return this.compile(this.responseSchema(path, method));
  }

  private components = new Map<string, ValidateFunction>();
  component(name: string): ValidateFunction {
    let v = this.components.get(name);
    if (!v) this.components.set(name, (v = this.compile({ $ref: `#/components/schemas/${name}` })));
    return v;
  }
}
