import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createRedactor } from '../../../src/config/redact.js';
import { FLUSH_AT, NdjsonSink } from '../../../src/protocol/ndjson-sink.js';

/** A slow reader: takes one chunk per release() call. */
function slowWritable(highWaterMark: number) {
  const chunks: string[] = [];
  const pending: (() => void)[] = [];
  const out = new Writable({
    highWaterMark,
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      pending.push(cb);
    },
  });
  return { out, chunks, release: () => pending.shift()?.() };
}

const lines = (chunks: string[]) => chunks.join('').split('\n').slice(0, -1).map((l) => JSON.parse(l));
const idle = () => new Promise((r) => setImmediate(r));

test('flush waits for drain when the reader is slow, and keeps order', async () => {
  const { out, chunks, release } = slowWritable(16);
  const sink = new NdjsonSink(out);
  let resolved = false;
  await sink.write({ type: 'LOG', n: 1, pad: 'x'.repeat(32) });
  const first = sink.flush().then(() => (resolved = true));
  await idle();
  assert.equal(resolved, false, 'buffer over highWaterMark: the flush must wait');
  release();
  await first;
  assert.equal(resolved, true);
  for (const n of [2, 3, 4]) await sink.write({ n });
  const done = sink.flush();
  for (let i = 0; i < 5; i++) {
    release();
    await idle();
  }
  await done;
  assert.deepEqual(lines(chunks).map((m) => m.n), [1, 2, 3, 4]);
  assert.ok(chunks.join('').endsWith('\n'), 'whole lines only');
});

test('lines are coalesced into large writes, and a write past FLUSH_AT waits for drain', async () => {
  const { out, chunks, release } = slowWritable(FLUSH_AT * 1.5); // takes one flush, not two
  const sink = new NdjsonSink(out);
  const pad = 'r'.repeat(1000);
  let n = 0;
  while (chunks.length === 0) await sink.write({ n: n++, pad }).catch(assert.fail);
  assert.ok(n > 50, `about FLUSH_AT characters per write, got one after ${n} lines`);
  let resolved = false;
  const blocked = (async () => {
    while (chunks.length === 1) await sink.write({ n: n++, pad });
    resolved = true;
  })();
  await idle();
  assert.equal(resolved, false, 'the output is full: the writer must wait for drain');
  release();
  release();
  await blocked;
  await sink.flush();
  while (release() !== undefined) await idle();
  assert.deepEqual(lines(chunks).map((m) => m.n), [...Array(n).keys()], 'every line, in order');
});

test('buffered lines go out on their own once the run waits on something else', async () => {
  const { out, chunks } = slowWritable(1 << 20);
  const sink = new NdjsonSink(out);
  await sink.write({ n: 1 });
  await sink.write({ n: 2 });
  assert.equal(chunks.length, 0, 'buffered while writes follow each other');
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(chunks, ['{"n":1}\n{"n":2}\n']);
});

test('a closed output rejects the pending write instead of hanging', async () => {
  const { out } = slowWritable(1);
  const sink = new NdjsonSink(out);
  await sink.write({ big: 'y'.repeat(100) });
  const pending = sink.flush();
  out.destroy(new Error('EPIPE'));
  await assert.rejects(pending);
  await assert.rejects(sink.write({ after: true }));
});

test('every line passes through the redactor', async () => {
  const { out, chunks, release } = slowWritable(1 << 20);
  const sink = new NdjsonSink(out, createRedactor(['s3cret']));
  await sink.write({ type: 'LOG', log: { level: 'INFO', message: 'token s3cret leaked' } });
  await sink.flush();
  release();
  assert.equal(chunks.length, 1);
  assert.ok(!chunks[0]!.includes('s3cret'));
  assert.match(chunks[0]!, /token \*\*\* leaked/);
});

test('raw JSON values are written as their bytes, in order across flushes, and secrets in them are masked', async () => {
  const { RawJson } = await import('../../../src/json/raw-json.js');
  const chunks: Buffer[] = [];
  const out = new Writable({ write: (chunk: Buffer, _enc, cb) => (chunks.push(chunk), cb()) });
  const sink = new NdjsonSink(out, createRedactor(['s3cret']));
  const fields = (n: number) => ({ n, text: 'x'.repeat(3000), note: n === 7 ? 'token s3cret pasted' : 'é' });
  for (let n = 0; n < 100; n++) {
    await sink.write({ type: 'RECORD', record: { data: { id: String(n), fields: new RawJson(Buffer.from(JSON.stringify(fields(n)))) } } });
    if (n % 10 === 0) await sink.write({ type: 'STATE', n });
  }
  await sink.flush();
  assert.ok(chunks.length > 1 && chunks.length < 110, `coalesced writes, got ${chunks.length}`);
  const got = lines([Buffer.concat(chunks).toString()]);
  assert.equal(got.length, 110);
  const records = got.filter((m) => m.type === 'RECORD');
  assert.deepEqual(records.map((m) => m.record.data.fields.n), [...Array(100).keys()]);
  assert.equal(records[7].record.data.fields.note, 'token *** pasted');
  assert.equal(records[8].record.data.fields.note, 'é');
  assert.ok(!Buffer.concat(chunks).includes('s3cret'));
  assert.deepEqual(got.slice(0, 2).map((m) => m.type), ['RECORD', 'STATE'], 'a STATE stays after the records it follows');
});

/** Takes every chunk at once, as Buffers. */
function collect() {
  const chunks: Buffer[] = [];
  const out = new Writable({ write: (chunk: Buffer, _enc, cb) => (chunks.push(chunk), cb()) });
  return { out, chunks, text: () => Buffer.concat(chunks).toString() };
}

test('the secrets are masked in text, in raw bytes, and across the border between a line\'s parts', async () => {
  const { RawJson, RawMembers, withMembers } = await import('../../../src/json/raw-json.js');
  const raw = (text: string) => new RawJson(Buffer.from(text));
  const { out, text } = collect();
  // The last two secrets span text and raw bytes, and raw bytes and prepared typed columns.
  const sink = new NdjsonSink(out, createRedactor(['s3cret', 'r4w-tok', 'X7","fields":{"e', 'Q9"},"cf_1']));
  await sink.write({ note: 'has s3cret', fields: raw('{"d":"r4w-tok!"}') });
  await sink.write({ title: 'X7', fields: raw('{"e":1}') });
  await sink.write(withMembers({ fields: raw('{"f":"Q9"}') }, new RawMembers(Buffer.from(',"cf_1":"v"'))));
  await sink.flush();
  assert.equal(text(), ['{"note":"has ***","fields":{"d":"***!"}}', '{"title":"***":1}}', '{"fields":{"f":"***":"v"}', ''].join('\n'));
});

test('writeUnredacted writes its message as is, after the lines before it (redacted) and before the lines after', async () => {
  const { out, chunks, text } = collect();
  const sink = new NdjsonSink(out, createRedactor(['new-tok']));
  await sink.write({ n: 1, t: 'new-tok' });
  await sink.writeUnredacted({ n: 2, type: 'CONTROL', t: 'new-tok' });
  await sink.write({ n: 3, t: 'new-tok' });
  await sink.flush();
  assert.equal(text(), '{"n":1,"t":"***"}\n{"n":2,"type":"CONTROL","t":"new-tok"}\n{"n":3,"t":"***"}\n');
  assert.equal(chunks[1]!.toString(), '{"n":2,"type":"CONTROL","t":"new-tok"}\n', 'the unredacted line goes out alone');
});

test('lines are redacted by the redactor in force when they go out: one set after they were written, or one that learned a secret', async () => {
  const { out, text } = collect();
  const sink = new NdjsonSink(out);
  await sink.write({ t: 'cfg-secret' }); // before the config is read: no redactor yet
  const growing = createRedactor(['cfg-secret']);
  sink.redact = growing;
  await sink.write({ t: 'learned-tok' });
  growing.add('learned-tok');
  await sink.flush();
  assert.equal(text(), '{"t":"***"}\n{"t":"***"}\n');
});

test('a line bigger than the buffer grows it and goes out whole, with the lines around it', async () => {
  const { RawJson } = await import('../../../src/json/raw-json.js');
  const { out, chunks, text } = collect();
  const sink = new NdjsonSink(out, createRedactor(['s3cret']));
  const big = 'é'.repeat(FLUSH_AT) + 's3cret';
  await sink.write({ n: 1 });
  await sink.write({ n: 2, big, raw: new RawJson(Buffer.from(JSON.stringify({ big }))) });
  await sink.write({ n: 3 });
  await sink.flush();
  const masked = 'é'.repeat(FLUSH_AT) + '***';
  assert.equal(text(), `{"n":1}\n{"n":2,"big":"${masked}","raw":{"big":"${masked}"}}\n{"n":3}\n`);
  assert.ok(chunks.every((c) => c.at(-1) === 0x0a), 'whole lines only');
});

test('into a socket whose reader starts late: every byte arrives as written, in order, redacted but for writeUnredacted', async () => {
  const { createServer, connect } = await import('node:net');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { RawJson } = await import('../../../src/json/raw-json.js');
  // A Unix socket (small kernel buffers) whose reader starts late: writes complete after they are made.
  const dir = mkdtempSync(join(tmpdir(), 'sink-'));
  const path = join(dir, 's.sock');
  const received: Buffer[] = [];
  let ended!: Promise<void>;
  const server = createServer((s) => {
    s.pause();
    setTimeout(() => s.resume(), 200);
    s.on('data', (d: Buffer) => received.push(d));
    ended = new Promise<void>((r) => s.on('end', r));
  });
  await new Promise<void>((r) => server.listen(path, r));
  const socket = connect(path);
  await new Promise<void>((r) => socket.on('connect', r));
  const sink = new NdjsonSink(socket, createRedactor(['s3cret']));
  const expected: string[] = [];
  for (let n = 0; n < 600; n++) {
    const text = `${n}`.repeat(n < 400 ? 900 : 3000 + n) + (n % 17 === 0 ? ' s3cret' : '');
    await sink.write({ n, raw: new RawJson(Buffer.from(JSON.stringify({ text }))) });
    // Small writes (below the socket's highWaterMark) go out without waiting for 'drain', while
    // the reader has not started yet, so the socket queues them.
    if (n < 400) await idle();
    expected.push(JSON.stringify({ n, raw: { text: text.replace('s3cret', '***') } }));
    if (n % 100 === 0) {
      await sink.writeUnredacted({ n, control: 's3cret' });
      expected.push(JSON.stringify({ n, control: 's3cret' }));
    }
  }
  await sink.flush();
  socket.end();
  await ended;
  server.close();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(Buffer.concat(received).toString(), `${expected.join('\n')}\n`);
});
