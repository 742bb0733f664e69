// spec.json must pass the Connector Acceptance Tests' spec rules (protocols.md B.3) and match the
// config contract (src/config/config.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAjv } from '../../../src/config/ajv.js';
import { loadSpec } from '../../../src/config/spec.js';

const spec = loadSpec();
const schema = spec.connectionSpecification as Record<string, any>;

function walk(node: unknown, visit: (node: Record<string, any>, path: string) => void, path = '#'): void {
  if (Array.isArray(node)) return node.forEach((n, i) => walk(n, visit, `${path}/${i}`));
  if (node === null || typeof node !== 'object') return;
  visit(node as Record<string, any>, path);
  for (const [k, v] of Object.entries(node)) walk(v, visit, `${path}/${k}`);
}

test('spec.json has documentationUrl and a draft-07 object schema that compiles', () => {
  assert.match(spec.documentationUrl, /^https:\/\//);
  assert.equal(schema.type, 'object');
  assert.deepEqual(schema.required, ['base_url', 'credentials', 'start_date']);
  createAjv().compile(schema);
});

test('spec.json declares exactly the config contract fields', () => {
  assert.deepEqual(Object.keys(schema.properties).sort(), [
    'api_gateway_url', 'base_url', 'ca_certificate', 'credentials', 'jql', 'lookback_minutes', 'max_concurrency', 'max_retry_wait_seconds',
    'oauth_token_url', 'page_size', 'projects', 'request_timeout_seconds', 'start_date',
  ]);
  const p = schema.properties;
  assert.deepEqual([p.lookback_minutes.minimum, p.lookback_minutes.maximum, p.lookback_minutes.default], [0, 1440, 5]);
  assert.deepEqual([p.page_size.minimum, p.page_size.maximum, p.page_size.default], [1, 5000, 1000]);
  assert.deepEqual([p.request_timeout_seconds.minimum, p.request_timeout_seconds.maximum, p.request_timeout_seconds.default], [1, 600, 60]);
  assert.deepEqual([p.max_concurrency.minimum, p.max_concurrency.maximum, p.max_concurrency.default], [1, 64, 8]);
  assert.deepEqual([p.max_retry_wait_seconds.minimum, p.max_retry_wait_seconds.maximum, p.max_retry_wait_seconds.default], [1, 86400, 600]);
  assert.equal(p.ca_certificate.type, 'string');
});

test('CAT: every oneOf has an object parent and variants sharing one const discriminator without default/enum', () => {
  let oneOfs = 0;
  walk(schema, (node, path) => {
    if (!node.oneOf) return;
    oneOfs++;
    assert.equal(node.type, 'object', path);
    const variants = node.oneOf as Record<string, any>[];
    variants.forEach((v) => assert.ok(v.properties && Object.keys(v.properties).length > 0, `${path}: variant without properties`));
    const common = Object.keys(variants[0]!.properties).filter((k) => variants.every((v) => k in v.properties));
    const withConst = common.filter((k) => variants.every((v) => v.properties[k].const !== undefined));
    assert.deepEqual(withConst, ['auth_type'], path);
    for (const v of variants) {
      assert.ok(!('default' in v.properties.auth_type) && !('enum' in v.properties.auth_type));
      assert.ok(v.required.includes('auth_type'));
    }
    // OAuth first: CAT wants the advanced_auth method as the form's default.
    assert.deepEqual(variants.map((v) => v.properties.auth_type.const), ['oauth2', 'api_token', 'service_account', 'personal_access_token', 'password']);
  });
  assert.equal(oneOfs, 1);
});

test('CAT: secret-looking string fields are airbyte_secret, nothing else is', () => {
  const secretName = /(^|_)(token|access_token|api_token|secret|client_secret|password|key|credentials|refresh_token|jwt|certificate|app_id)$/;
  walk(schema, (node, path) => {
    if (!node.properties) return;
    for (const [name, sub] of Object.entries<Record<string, any>>(node.properties)) {
      const looksSecret = secretName.test(name) && (sub.type === 'string' || sub.type === 'number');
      if (name === 'auth_type') continue; // a const discriminator, not a secret
      assert.equal(sub.airbyte_secret === true, looksSecret, `${path}/${name}`);
    }
  });
});

test('CAT: no forbidden keywords, no $ref, plain type arrays, items a single schema', () => {
  const forbidden = ['not', 'anyOf', 'patternProperties', 'prefixItems', 'allOf', 'if', 'then', 'else', 'dependentSchemas', 'dependentRequired', '$ref'];
  walk(schema, (node, path) => {
    if (path.endsWith('/properties') || path.endsWith('/examples')) return;
    for (const k of forbidden) assert.ok(!(k in node), `${path} uses ${k}`);
    if (Array.isArray(node.type)) assert.ok(node.type.length === 2 && node.type[1] === 'null', `${path} type array`);
    if ('additionalProperties' in node) assert.equal(node.additionalProperties, true, path);
    if ('items' in node) assert.ok(!Array.isArray(node.items), `${path} items`);
    if (node.type === 'object' && node.properties) assert.ok(Object.keys(node.properties).length > 0, `${path} empty properties`);
    if (Array.isArray(node.enum)) assert.equal(new Set(node.enum).size, node.enum.length, `${path} duplicate enum`);
  });
});

test('CAT: no duplicate order values within one object', () => {
  walk(schema, (node, path) => {
    if (!node.properties) return;
    const orders = Object.values<Record<string, any>>(node.properties).map((p) => p.order).filter((o) => o !== undefined);
    assert.equal(new Set(orders).size, orders.length, path);
  });
});

test('the sample configs validate against connectionSpecification', () => {
  const validate = createAjv().compile(schema);
  const samples = [
    { base_url: 'https://acme.atlassian.net', credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' }, start_date: '2024-01-01T00:00:00Z' },
    { base_url: 'https://jira.example.com/jira', credentials: { auth_type: 'personal_access_token', personal_access_token: 'demo-pat' }, start_date: '2024-01-01T00:00:00Z', projects: ['PROJ'], page_size: 50 },
  ];
  for (const s of samples) assert.ok(validate(s), JSON.stringify(validate.errors));
  assert.ok(!validate({ ...samples[0], credentials: { auth_type: 'api_token', personal_access_token: 'x' } }));
});

test('advanced_auth: the OAuth consent flow of the oauth2 credentials, every path pointing into the spec', () => {
  const auth = spec.advanced_auth as Record<string, any>;
  assert.equal(auth.auth_flow_type, 'oauth2.0');
  assert.deepEqual(auth.predicate_key, ['credentials', 'auth_type']);
  const oauth = schema.properties.credentials.oneOf[0];
  assert.equal(oauth.properties.auth_type.const, auth.predicate_value);
  const c = auth.oauth_config_specification;
  assert.match(c.oauth_connector_input_specification.consent_url, /^https:\/\/auth\.atlassian\.com\/authorize\?audience=api\.atlassian\.com&/);
  assert.match(c.oauth_connector_input_specification.scope, /offline_access/);
  for (const block of [c.complete_oauth_output_specification, c.complete_oauth_server_output_specification]) {
    for (const [name, field] of Object.entries<Record<string, any>>(block.properties)) {
      const [root, key] = field.path_in_connector_config;
      assert.equal(root, 'credentials', name);
      assert.ok(key in oauth.properties, `${name} -> credentials.${key}`);
    }
  }
});
