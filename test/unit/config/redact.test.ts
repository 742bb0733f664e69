import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedactor, redactBytes, redactorFor, secretsOf } from '../../../src/config/redact.js';

const TOKEN = 'tok"en/with+odd=chars&more';

test('secret values are found by the spec names, even in an invalid config', () => {
  const secrets = secretsOf({ credentials: { auth_type: 'nonsense', api_token: TOKEN, email: 'a@b.c' }, start_date: 7 });
  assert.ok(secrets.includes(TOKEN));
  assert.ok(secrets.includes(Buffer.from(`a@b.c:${TOKEN}`).toString('base64')), 'Basic header value');
  assert.deepEqual(secretsOf({ credentials: { personal_access_token: 'pat-123' } }).includes('pat-123'), true);
  assert.deepEqual(secretsOf({ base_url: 'https://x', start_date: 'y' }), []);
});

test('the redactor masks raw, JSON-escaped, URL-encoded and Basic forms', () => {
  const redact = redactorFor({ credentials: { api_token: TOKEN, email: 'a@b.c' } });
  const basic = Buffer.from(`a@b.c:${TOKEN}`).toString('base64');
  const lines = [
    `token ${TOKEN} here`,
    JSON.stringify({ message: `bad ${TOKEN}` }),
    `GET /x?token=${encodeURIComponent(TOKEN)}`,
    `Authorization: Basic ${basic}`,
  ];
  for (const line of lines) {
    const out = redact(line);
    assert.ok(!out.includes(TOKEN) && !out.includes(encodeURIComponent(TOKEN)) && !out.includes(basic), out);
    assert.match(out, /\*\*\*/);
  }
  assert.equal(redact('nothing secret'), 'nothing secret');
});

test('a redactor without secrets returns text unchanged', () => {
  assert.equal(createRedactor([])('a b c'), 'a b c');
});

test('redactBytes masks secrets in bytes with the byte search, and through text for a redactor without one', async () => {
  const bytes = Buffer.from('{"note":"é s3cret"}');
  const clean = Buffer.from('{"note":"nothing"}');
  const withSearch = createRedactor(['s3cret']);
  assert.equal(redactBytes(withSearch, bytes).toString(), '{"note":"é ***"}');
  assert.equal(redactBytes(withSearch, clean), clean, 'no hit: the same Buffer, not a copy');
  assert.equal(redactBytes((t: string) => t.split('s3cret').join('***'), bytes).toString(), '{"note":"é ***"}');
});

test('a redactor learns secrets met during the run (tokens from the token endpoint), in every form, text and bytes', () => {
  const redact = redactorFor({ credentials: { auth_type: 'password', username: 'svc', password: 'pw-1', client_secret: 'cs-2', refresh_token: 'rt-3' } });
  assert.equal(redact('pw-1 cs-2 rt-3'), '*** *** ***');
  assert.equal(redact(Buffer.from('svc:pw-1').toString('base64')), '***', 'the DC Basic header');
  const learned = 'at/4+x';
  assert.equal(redact(`got ${learned}`), `got ${learned}`);
  redact.add(learned);
  redact.add(learned); // twice is harmless
  assert.equal(redact(`got ${learned} and ${encodeURIComponent(learned)}`), 'got *** and ***');
  assert.equal(redactBytes(redact, Buffer.from(`{"t":"${learned}"}`)).toString(), '{"t":"***"}');
});

test('byte redaction rewrites only the lines with a hit, through text; the other lines stay the same bytes', () => {
  const redact = createRedactor(['s3cret', 'x']);
  const invalidUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]); // stays as is: no hit on its line
  const b = Buffer.concat([
    Buffer.from('{"a":"s3cret"}\n{"b":1}\n'),
    invalidUtf8,
    Buffer.from('{"c":"s3cret and s3cret"}\n{"d":"é"}'),
  ]);
  const out = redactBytes(redact, b);
  assert.deepEqual(
    out,
    Buffer.concat([Buffer.from('{"a":"***"}\n{"b":1}\n'), invalidUtf8, Buffer.from('{"c":"*** and ***"}\n{"d":"é"}')]),
  );
  assert.equal(redactBytes(createRedactor(['s3cret']), Buffer.from('s3cre')).toString(), 's3cre', 'a partial secret is not a hit');
});

test('byte redaction masks a secret at the very start of the bytes, and one that begins with a line break', () => {
  assert.equal(redactBytes(createRedactor(['s3cret']), Buffer.from('s3cret"}\n{"b":1}\n')).toString(), '***"}\n{"b":1}\n');
  assert.equal(redactBytes(createRedactor(['\n{"k"']), Buffer.from('{"a":1}\n{"k":2}\n')).toString(), '{"a":1}***:2}\n');
});
