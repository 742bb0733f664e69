// /search/jql page tokens: opaque to clients, bound to their query (jql + fields), expiring, and
// carrying either a keyset position (the last row's sort values) or an offset into the live result.
import { badRequest } from './http-io.js';

export interface PageToken {
  /** Hash of the query the token belongs to. */
  q: string;
  /** Issued at, epoch ms. */
  t: number;
  m: 'keyset' | 'offset';
  /** offset: position of the next row. */
  p?: number;
  /** keyset: sort values and slot of the last row returned. */
  k?: number[];
  i?: number;
}

export function queryHash(jql: string, fields: string): string {
  let h = 0x811c9dc5;
  const s = `${jql}\u0000${fields}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

export function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

export function decodeToken(raw: string, expectHash: string, now: number, ttlMs: number): PageToken {
  let t: PageToken;
  try {
    t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PageToken;
  } catch {
    throw badRequest(`The value '${raw}' is not a valid nextPageToken.`);
  }
  const valid =
    t && typeof t === 'object' && typeof t.q === 'string' && typeof t.t === 'number' &&
    ((t.m === 'offset' && Number.isInteger(t.p) && t.p! >= 0) ||
      (t.m === 'keyset' && Array.isArray(t.k) && t.k.every((x) => typeof x === 'number') && Number.isInteger(t.i)));
  if (!valid) throw badRequest(`The value '${raw}' is not a valid nextPageToken.`);
  if (t.q !== expectHash) throw badRequest('The nextPageToken does not belong to this query. Use the token only with the JQL and fields it was issued for.');
  if (now - t.t > ttlMs) throw badRequest('The nextPageToken has expired. Start the search again without a token.');
  return t;
}
