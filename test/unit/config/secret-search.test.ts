import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecretSearch } from '../../../src/config/secret-search.js';

/** Deterministic bytes from a small alphabet, so anchors are common and the search must re-pick or fall back. */
function bytesFrom(alphabet: string, length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = alphabet.charCodeAt((x >>> 16) % alphabet.length);
  }
  return out;
}

/** Every match, as Buffer.indexOf finds them, for each needle. */
function expectSame(search: SecretSearch, hay: Buffer): void {
  search.needles.forEach((needle, k) => {
    for (let from = 0; from <= hay.length; from = Math.max(from + 1, hay.indexOf(needle, from) + 1)) {
      assert.equal(search.indexOf(hay, k, from), hay.indexOf(needle, from), `needle ${needle} from ${from}`);
    }
  });
}

test('the secret search finds what Buffer.indexOf finds: at the edges, overlapping, and with common anchor bytes', () => {
  const needles = ['abab', 'token-9', 'zz', 'q', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij'].map((s) => Buffer.from(s));
  const search = new SecretSearch(needles);
  expectSame(search, Buffer.from('ababab token-9 xx zzz q ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij'));
  expectSame(search, Buffer.from('token-9'));
  expectSame(search, Buffer.from(''));
  // Data made of the needles' own bytes: every anchor is common, so the search re-picks and then falls back.
  for (let seed = 1; seed <= 3; seed++) expectSame(search, bytesFrom('abtoken-9zq', 40_000, seed));
  expectSame(search, bytesFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij', 40_000, 4));
});

test('the secret search finds a needle whose bytes are all common in the data but one', () => {
  const search = new SecretSearch([Buffer.from('demo-token')]);
  const hay = Buffer.concat([bytesFrom('demo-tn ', 20_000, 7), Buffer.from('demo-token'), bytesFrom('demo-tn ', 20_000, 8)]);
  assert.equal(search.indexOf(hay, 0, 0), 20_000);
  assert.equal(search.indexOf(hay, 0, 20_001), -1);
});
