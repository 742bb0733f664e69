// What a 2xx body is when it is not JSON, told from its first bytes: an HTML page (a login, SSO or
// proxy page), plain text, or nothing. A body that starts like JSON but does not parse was cut off
// (a truncation, retried); one that does not even start like JSON will not get better by retrying.

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** undefined when the body starts like a JSON object or array; else a short description of what it is. */
export function nonJsonBody(bytes: Buffer): string | undefined {
  let i = 0;
  while (i < bytes.length && WHITESPACE.has(bytes[i]!)) i++;
  if (i === bytes.length) return 'an empty body';
  const first = bytes[i];
  if (first === 0x7b || first === 0x5b) return undefined; // { or [
  const head = bytes.subarray(i, i + 4096).toString('utf8');
  if (first === 0x3c) {
    // <
    const title = /<title[^>]*>([^<]*)/i.exec(head)?.[1]?.replace(/\s+/g, ' ').trim();
    if (/^<(!doctype html|html|head|body)\b/i.test(head)) return `an HTML page${title ? ` ("${excerpt(title)}")` : ''}`;
    return `XML or markup ("${excerpt(head)}")`;
  }
  return `plain text ("${excerpt(head)}")`;
}

function excerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 80)}…` : one;
}
