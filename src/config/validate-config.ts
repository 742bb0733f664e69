// Turns a parsed config file into a typed, frozen Config with defaults applied, or throws a
// config_error whose message is one line naming the field and the fix. Values are never echoed:
// a wrong field may hold a secret.
import { X509Certificate } from 'node:crypto';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Config } from './config.js';
import { configError } from '../errors.js';
import type { JsonObject } from '../streams/stream.js';
import { createAjv } from './ajv.js';
import { loadSpec } from './spec.js';
import { isLoopbackHost } from './loopback-host.js';
import { isRfc3339, lacksTimeZone } from './rfc3339.js';

const HINTS: Record<string, string> = {
  base_url: 'e.g. "https://acme.atlassian.net" (Cloud) or "https://jira.example.com/jira" (Data Center)',
  credentials:
    'e.g. {"auth_type": "api_token", "email": "...", "api_token": "..."} or {"auth_type": "personal_access_token", "personal_access_token": "..."}',
  start_date: 'use an RFC 3339 date-time with a time zone, e.g. "2024-01-01T00:00:00Z"',
  projects: 'use a list of Jira project keys, e.g. ["PROJ", "OPS"]',
  email: 'use the email address of the Atlassian account that owns the API token',
  api_token: 'create one at https://id.atlassian.com/manage-profile/security/api-tokens',
  personal_access_token: 'create one in Jira under Profile > Personal Access Tokens',
  cloud_route: 'use "auto", "site" or "gateway"',
  client_id: "copy it from the OAuth app's settings at developer.atlassian.com, or from the service account's OAuth 2.0 credential",
  client_secret: 'copy it from the same place as client_id',
  refresh_token: 'run the OAuth consent flow (with scope offline_access) to get one',
  access_token_expires_at: 'use an RFC 3339 date-time, e.g. "2025-01-01T12:00:00Z", or leave it out',
  username: 'use the Jira Data Center username',
  password: "use that user's password",
};

interface Validators {
  root: ValidateFunction;
  variants: Map<string, ValidateFunction>;
}

let validators: Validators | undefined;

function compile(): Validators {
  // validateSchema: false skips compiling the JSON Schema meta-schema on every start (~45 ms of CPU);
  // spec.json is checked against it by the unit tests instead.
  const ajv = createAjv({ useDefaults: true, verbose: true, validateSchema: false });
  const schema = structuredClone(loadSpec().connectionSpecification) as JsonObject;
  const properties = schema.properties as JsonObject;
  const credentials = properties.credentials as JsonObject;
  const variants = new Map<string, ValidateFunction>();
  for (const variant of credentials.oneOf as JsonObject[]) {
    const authType = ((variant.properties as JsonObject).auth_type as JsonObject).const as string;
    variants.set(authType, ajv.compile(variant));
  }
  // Credentials are checked variant by variant below: a oneOf failure alone says nothing useful.
  properties.credentials = { type: 'object' };
  return { root: ajv.compile(schema), variants };
}

function fieldName(error: ErrorObject, prefix: string): string {
  const parts = error.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : p));
  const missing = error.keyword === 'required' ? [(error.params as { missingProperty: string }).missingProperty] : [];
  return (prefix + [...parts, ...missing].join('.')).replace(/\.\[/g, '[');
}

function hintFor(field: string): string {
  const last = field.replace(/\[\d+\]$/, '').split('.').pop() ?? field;
  return HINTS[last] ?? `fix ${field} in the config file`;
}

function describe(error: ErrorObject, prefix = ''): string {
  const field = fieldName(error, prefix);
  const p = error.params as Record<string, unknown>;
  const problem = ((): string => {
    switch (error.keyword) {
      case 'required':
        return 'is missing';
      case 'type':
        return `must be of type ${String(p.type)}`;
      case 'minimum':
      case 'maximum':
        return `is out of range (allowed: ${rangeOf(error)})`;
      case 'minLength':
        return 'must not be empty';
      case 'format':
        return `is not a valid ${String(p.format)}`;
      case 'pattern':
        return 'is not a valid Jira project key (letters, digits and _, starting with a letter)';
      case 'uniqueItems':
        return 'lists the same value twice';
      default:
        return `is invalid (${error.message ?? error.keyword})`;
    }
  })();
  const hint =
    error.keyword === 'minimum' || error.keyword === 'maximum'
      ? 'set a value in that range'
      : error.keyword === 'required'
        ? `add it to the config file, ${hintFor(field)}`
        : hintFor(field);
  return `Invalid config: ${field} ${problem}; ${hint}`;
}

function rangeOf(error: ErrorObject): string {
  const schema = error.parentSchema as { minimum?: number; maximum?: number } | undefined;
  return `${schema?.minimum ?? '-∞'} to ${schema?.maximum ?? '∞'}`;
}

/** Parses and normalises base_url (no trailing slash); http is allowed only to loopback hosts. */
function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(`Invalid config: base_url is not a valid URL; ${HINTS.base_url}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw configError(`Invalid config: base_url must start with https://; ${HINTS.base_url}`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw configError(
      'Invalid config: base_url uses plain http to a non-loopback host, which would send credentials unencrypted; use https://',
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw configError('Invalid config: base_url must not contain a user name or password; put them under credentials');
  }
  if (url.search !== '' || url.hash !== '') {
    throw configError(`Invalid config: base_url must not contain a query or fragment; ${HINTS.base_url}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function checkCredentials(raw: unknown, variants: Map<string, ValidateFunction>): void {
  const authType = (raw as JsonObject).auth_type;
  const validate = typeof authType === 'string' ? variants.get(authType) : undefined;
  if (validate === undefined) {
    const problem = authType === undefined ? 'is missing' : 'is not a known authentication type';
    throw configError(
      `Invalid config: credentials.auth_type ${problem}; set it to "api_token", "oauth2" or "service_account" for Jira Cloud, "personal_access_token" or "password" for Data Center`,
    );
  }
  if (!validate(raw)) throw configError(describe(validate.errors![0]!, 'credentials.'));
}

/** The test-only endpoint overrides: a loopback URL (a simulator), never a place credentials could leak to. */
function checkTestUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(`Invalid config: ${name} is not a valid URL; it is for tests only, remove it`);
  }
  if (!isLoopbackHost(url.hostname) || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw configError(`Invalid config: ${name} is for tests only and accepts only a loopback address (a simulator); remove it`);
  }
  return value.replace(/\/+$/, '');
}

/** Every PEM block must be a certificate Node can read: a bad one would otherwise fail the first connection obscurely. */
function checkCaCertificate(pem: string): void {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const fix = 'paste the PEM text of the CA certificate, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----';
  if (blocks.length === 0) throw configError(`Invalid config: ca_certificate holds no PEM certificate; ${fix}`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw configError(`Invalid config: ca_certificate holds a PEM block that is not a readable certificate; ${fix}`);
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

export function validateConfig(raw: unknown): Config {
  validators ??= compile();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError('Invalid config: the config must be a JSON object; see spec.json for its fields');
  }
  const config = structuredClone(raw) as JsonObject;
  // Said before the schema's "not a valid date-time": a missing zone is the usual mistake, and the
  // instant such a value means would depend on the machine's zone.
  if (typeof config.start_date === 'string' && lacksTimeZone(config.start_date)) {
    throw configError(`Invalid config: start_date has no time zone, so the instant it means is unknown; ${HINTS.start_date}`);
  }
  if (!validators.root(config)) throw configError(describe(validators.root.errors![0]!));
  checkCredentials(config.credentials, validators.variants);
  config.base_url = checkBaseUrl(config.base_url as string);
  const startDate = config.start_date as string;
  if (!isRfc3339(startDate)) throw configError(`Invalid config: start_date is not an RFC 3339 date-time; ${HINTS.start_date}`);
  if (typeof config.ca_certificate === 'string') checkCaCertificate(config.ca_certificate);
  for (const name of ['oauth_token_url', 'api_gateway_url'] as const) {
    if (typeof config[name] === 'string') config[name] = checkTestUrl(name, config[name] as string);
  }
  const expiresAt = (config.credentials as JsonObject).access_token_expires_at;
  if (typeof expiresAt === 'string' && (lacksTimeZone(expiresAt) || !isRfc3339(expiresAt))) {
    throw configError(`Invalid config: credentials.access_token_expires_at is not an RFC 3339 date-time with a time zone; ${HINTS.access_token_expires_at}`);
  }
  if (typeof config.jql === 'string' && /\border\s+by\b/i.test(config.jql)) {
    throw configError('Invalid config: jql must not contain ORDER BY; remove it, the connector orders the search itself');
  }
  return deepFreeze(config as unknown as Config);
}

/** Top-level keys the spec does not know (likely typos, silently falling back to a default otherwise). */
export function unknownConfigKeys(raw: unknown): string[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const known = (loadSpec().connectionSpecification.properties ?? {}) as JsonObject;
  return Object.keys(raw).filter((k) => !(k in known) && !k.startsWith('_'));
}
