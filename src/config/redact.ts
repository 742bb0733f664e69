// Scrubs secrets from every line the connector prints (messages, logs, errors, traces). Built from
// the raw config, so it works even when the config is invalid and validation is what fails.
import { secretPropertyNames } from './spec.js';

export type Redactor = (text: string) => string;

const MASK = '***';

export const noRedaction: Redactor = (text) => text;

/** Every secret value in a (possibly invalid) config, plus the forms it takes on the wire. */
export function secretsOf(rawConfig: unknown, names: Set<string> = secretPropertyNames()): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(obj)) {
      if (names.has(key) && typeof value === 'string' && value !== '') {
        found.add(value);
        // The Basic auth header carries base64(email:token); a logged header must not leak it either.
        if (typeof obj.email === 'string') found.add(Buffer.from(`${obj.email}:${value}`).toString('base64'));
      } else {
        walk(value);
      }
    }
  };
  walk(rawConfig);
  const forms = new Set<string>();
  for (const secret of found) {
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1)); // as it appears inside a JSON string
    forms.add(encodeURIComponent(secret)); // as it appears in a URL
  }
  // Longest first, so a secret containing another is masked whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

export function createRedactor(secrets: readonly string[]): Redactor {
  if (secrets.length === 0) return noRedaction;
  return (text) => {
    let out = text;
    for (const secret of secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return out;
  };
}

export function redactorFor(rawConfig: unknown): Redactor {
  return createRedactor(secretsOf(rawConfig));
}
