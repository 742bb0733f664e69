import { test } from 'node:test';
import assert from 'node:assert/strict';
import { END_OF_OBJECT, JsonBytesReader, KeyNames, OTHER_KEY } from '../../../src/json/json-bytes.js';

const doc = {
  s: 'plain',
  esc: 'quote " backslash \\ slash / tab \t newline \n é 😀 \u2028 \u0001',
  'k"ey\\': { '': [], e: {}, deep: [[[{ x: [1, -2.5e-3, 0, true, false, null] }]]] },
  n: [1e21, -0, 123456789012345, 0.1],
  u: 'ünïcødé ключ 鍵',
  nested: { status: { name: 'Open', statusCategory: { name: 'not this' } } },
};

/** Rebuilds a value by walking it with the reader (what the bulkfetch reader does, generically). */
function rebuild(r: JsonBytesReader): unknown {
  const c = r.peek();
  if (c === 0x7b) {
    const out: Record<string, unknown> = {};
    for (let k = r.firstKey(); k !== undefined; k = r.nextKey()) out[k] = rebuild(r);
    return out;
  }
  if (c === 0x5b) {
    const out: unknown[] = [];
    for (let more = r.firstElement(); more; more = r.nextElement()) out.push(rebuild(r));
    return out;
  }
  return r.value();
}

const walkAll = (text: string | Buffer): unknown => {
  const r = new JsonBytesReader(Buffer.isBuffer(text) ? text : Buffer.from(text));
  const v = rebuild(r);
  r.end();
  return v;
};

test('json-bytes: walking compact and pretty-printed JSON gives what JSON.parse gives', () => {
  for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 2), ` \r\n\t${JSON.stringify(doc, null, '\t')} \n`]) {
    assert.deepEqual(walkAll(text), JSON.parse(text));
  }
  for (const scalar of ['1', '"x"', 'null', '[]', '{}', '[{}]']) assert.deepEqual(walkAll(scalar), JSON.parse(scalar));
});

test('json-bytes: raw() is the value exactly as sent, skipValue() passes over it', () => {
  const text = JSON.stringify(doc);
  const r = new JsonBytesReader(Buffer.from(text));
  for (let k = r.firstKey(); k !== undefined; k = r.nextKey()) {
    if (k === 'n') r.skipValue();
    else assert.equal(r.raw().toString(), JSON.stringify(doc[k as keyof typeof doc]), k);
  }
  r.end();
});

test('json-bytes: every truncation of a document throws SyntaxError, never a wrong value', () => {
  const text = Buffer.from(JSON.stringify(doc));
  for (let cut = 0; cut < text.length; cut++) {
    assert.throws(() => walkAll(text.subarray(0, cut)), SyntaxError, `cut at ${cut}`);
  }
});

test('json-bytes: malformed input throws SyntaxError', () => {
  for (const bad of ['{"a":1} x', '{"a" 1}', '{"a":1,}x', '{"a":"x\ny"}', '{"a":[1 2]}', '{a:1}', '{"a":}', '']) {
    assert.throws(() => walkAll(bad), SyntaxError, JSON.stringify(bad));
  }
});

test('json-bytes: line breaks between tokens are noticed (they cannot go on an NDJSON line as they are)', () => {
  const compact = new JsonBytesReader(Buffer.from(JSON.stringify(doc)));
  rebuild(compact);
  assert.equal(compact.sawLineBreak, false, 'an escaped \\n inside a string is not a line break');
  const pretty = new JsonBytesReader(Buffer.from(JSON.stringify({ a: { b: [1, 2] } }, null, 1)));
  pretty.skipValue();
  assert.equal(pretty.sawLineBreak, true);
});

test('json-bytes: KeyNames matches keys by their bytes, escaped and non-ASCII keys included', () => {
  const names = new KeyNames(['status', 'name', 'ключ', 'st']);
  const text = '{"customfield_10001":1,"status":{"x":1},"st\\u0061tus":2,"ключ":3,"stat":4,"st":5,"nam":6}';
  const r = new JsonBytesReader(Buffer.from(text));
  const seen: number[] = [];
  for (let i = r.firstKeyOf(names); i !== END_OF_OBJECT; i = r.nextKeyOf(names)) {
    seen.push(i);
    r.skipValue();
  }
  r.end();
  assert.deepEqual(seen, [OTHER_KEY, 0, 0, 2, OTHER_KEY, 3, OTHER_KEY]);
  const empty = new JsonBytesReader(Buffer.from('{ }'));
  assert.equal(empty.firstKeyOf(names), END_OF_OBJECT);
});

test('json-bytes: strings are skipped right whatever the alignment of their quotes, escapes and control bytes (four bytes at a time)', () => {
  const specials = ['\\"', '\\\\', '\\n', '\\u0022', 'é', '😀'];
  for (let pad = 0; pad < 8; pad++) {
    for (let at = 0; at < 9; at++) {
      for (const special of specials) {
        const inner = `${'a'.repeat(at)}${special}${'b'.repeat(7 - (at % 4))}`;
        const text = `${' '.repeat(pad)}["${inner}","x${'y'.repeat(at)}"]`;
        assert.deepEqual(walkAll(text), JSON.parse(text), text);
      }
      // a raw control byte inside a string, at each place of a word
      for (const ctl of ['\u0001', '\n', '\t', '\u001f']) {
        const text = `${' '.repeat(pad)}["${'a'.repeat(at)}${ctl}bbbbbbbb"]`;
        assert.throws(() => walkAll(text), SyntaxError, JSON.stringify(text));
      }
      // the closing quote missing, or escaped, at the very end
      assert.throws(() => walkAll(`${' '.repeat(pad)}"${'a'.repeat(at)}`), SyntaxError);
      assert.throws(() => walkAll(`${' '.repeat(pad)}"${'a'.repeat(at)}\\"`), SyntaxError);
    }
  }
});

test('json-bytes: KeyNames guesses the key that followed last time, and a wrong guess still finds the right one', () => {
  const names = new KeyNames(['customfield_10001', 'customfield_20001', 'summary', 'status']);
  const orders = [
    '{"summary":1,"customfield_10001":2,"other":0,"customfield_20001":3,"status":4}',
    '{"summary":1,"customfield_10001":2,"other":0,"customfield_20001":3,"status":4}',
    '{"status":4,"customfield_20001":3,"customfield_10002":0,"customfield_10001":2,"summary":1}',
    '{"summary":1,"customfield_2000":0,"customfield_10001":2}',
  ];
  const expected = [[2, 0, OTHER_KEY, 1, 3], [2, 0, OTHER_KEY, 1, 3], [3, 1, OTHER_KEY, 0, 2], [2, OTHER_KEY, 0]];
  orders.forEach((text, n) => {
    const r = new JsonBytesReader(Buffer.from(text));
    const seen: number[] = [];
    for (let i = r.firstKeyOf(names); i !== END_OF_OBJECT; i = r.nextKeyOf(names)) {
      seen.push(i);
      r.skipValue();
    }
    assert.deepEqual(seen, expected[n], text);
  });
});

test('json-bytes: a guessed key is taken only when the whole key token is that name (longer, shorter, escaped or quoted keys fall back)', () => {
  const names = new KeyNames(['summary', 'a"b', 'status']);
  const read = (text: string) => {
    const r = new JsonBytesReader(Buffer.from(text));
    const seen: number[] = [];
    for (let i = r.firstKeyOf(names); i !== END_OF_OBJECT; i = r.nextKeyOf(names)) {
      seen.push(i);
      r.skipValue();
    }
    return seen;
  };
  const json = (...keys: string[]) => `{${keys.map((k, n) => `${JSON.stringify(k)}:${n}`).join(',')}}`;
  // Teach the guess: summary, then status.
  assert.deepEqual(read(json('summary', 'status')), [0, 2]);
  assert.deepEqual(read(json('summaryX', 'status')), [OTHER_KEY, 2], 'a key the guess is a prefix of');
  assert.deepEqual(read(json('summar', 'status')), [OTHER_KEY, 2], 'a key that is a prefix of the guess');
  assert.deepEqual(read(json('summary\\', 'status')), [OTHER_KEY, 2], 'the guess followed by an escape');
  assert.deepEqual(read('{"summ\\u0061ry":1,"status":2}'), [0, 2], 'the name spelled with an escape');
  assert.deepEqual(read(json('summary', 'a"b', 'status')), [0, 1, 2], 'a name with a quote, matched by its decoded spelling');
  assert.deepEqual(read(json('summary', 'a"b', 'status')), [0, 1, 2], 'and again, once it is the guess');
  assert.deepEqual(read('{"summary": 1 , "status" :2}'), [0, 2], 'spaces around the colon');
});
