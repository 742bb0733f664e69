// Scrubs secrets from every line the connector prints (messages, logs, errors, traces). Built from
// the raw config, so it works even when the config is invalid and validation is what fails.
import { SecretSearch } from './secret-search.js';
import { secretPropertyNames } from './spec.js';

export interface Redactor {
  (text: string): string;
  /** The same for UTF-8 bytes (a value passed through as Jira sent it); the same Buffer when nothing matched. */
  bytes?: (bytes: Buffer) => Buffer;
}

const MASK = '***';

export const noRedaction: Redactor = Object.assign((text: string) => text, { bytes: (b: Buffer) => b });

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
        // The Basic auth header carries base64(email:token) (or username:password on Data Center); a
        // logged header must not leak it either.
        for (const user of [obj.email, obj.username]) {
          if (typeof user === 'string') found.add(Buffer.from(`${user}:${value}`).toString('base64'));
        }
      } else {
        walk(value);
      }
    }
  };
  walk(rawConfig);
  return formsOf(found);
}

/** A secret as it appears raw, inside a JSON string and in a URL; longest first, so a secret containing another is masked whole. */
function formsOf(secrets: Iterable<string>): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** A redactor that also learns secrets met during the run (the tokens an OAuth token endpoint sends back). */
export interface GrowingRedactor extends Redactor {
  add(secret: string): void;
}

export function createRedactor(initial: readonly string[]): GrowingRedactor {
  let secrets = [...initial];
  let search = searchFor(secrets);
  const redact = (text: string): string => {
    let out = text;
    for (const secret of secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return out;
  };
  const bytes = (b: Buffer): Buffer => redactLines(b, search, redact);
  const add = (secret: string): void => {
    if (secret === '' || secrets.includes(secret)) return;
    secrets = formsOf(new Set([...secrets, ...formsOf([secret])]));
    search = searchFor(secrets);
  };
  return Object.assign(redact, { bytes, add });
}

/** Finding a form that contains another is finding that other, so only the innermost ones are searched. */
function searchFor(secrets: readonly string[]): SecretSearch {
  const needles = secrets.map((s) => Buffer.from(s, 'utf8'));
  return new SecretSearch(needles.filter((n, i) => !needles.some((m, j) => j !== i && n.includes(m))));
}

/**
 * Searching the bytes avoids decoding them; a hit (rare) sends the line around it (from the line
 * break before to the one after the match) through text. `b` is usually many lines (a sink's buffer).
 */
function redactLines(b: Buffer, search: SecretSearch, redact: (text: string) => string): Buffer {
  const { needles } = search;
  const next = needles.map((_, k) => search.indexOf(b, k, 0));
  const parts: Buffer[] = [];
  let done = 0;
  for (;;) {
    let hit = -1;
    let end = 0;
    for (let k = 0; k < next.length; k++) {
      const at = next[k]!;
      if (at >= 0 && (hit < 0 || at < hit)) [hit, end] = [at, at + needles[k]!.length];
    }
    if (hit < 0) break;
    const lineStart = hit === 0 ? 0 : b.lastIndexOf(0x0a, hit - 1) + 1;
    const lineEnd = b.indexOf(0x0a, end - 1);
    const stop = lineEnd < 0 ? b.length : lineEnd + 1;
    parts.push(b.subarray(done, lineStart), Buffer.from(redact(b.toString('utf8', lineStart, stop)), 'utf8'));
    done = stop;
    for (let k = 0; k < next.length; k++) if (next[k]! >= 0 && next[k]! < stop) next[k] = search.indexOf(b, k, stop);
  }
  if (done === 0) return b;
  parts.push(b.subarray(done));
  return Buffer.concat(parts);
}

const viaText = (redact: Redactor, b: Buffer): Buffer => Buffer.from(redact(b.toString('utf8')), 'utf8');

/** Redacts UTF-8 bytes with any redactor: its byte search if it has one, else through text. */
export function redactBytes(redact: Redactor, b: Buffer): Buffer {
  return redact.bytes ? redact.bytes(b) : viaText(redact, b);
}

export function redactorFor(rawConfig: unknown): GrowingRedactor {
  return createRedactor(secretsOf(rawConfig));
}
