// ReadAhead: a stream read before its turn holds at most `limit` events, hands them over in order,
// surfaces the stream's error after the events before it, and stops the stream when told to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadAhead } from '../../../src/streams/read-ahead.js';
import type { StreamEvent } from '../../../src/streams/stream.js';

const tick = () => new Promise((r) => setImmediate(r));

test('reads ahead no more than its limit, then resumes as events are taken, in order', async () => {
  let produced = 0;
  async function* source(): AsyncGenerator<StreamEvent> {
    for (let i = 0; i < 10; i++) {
      produced++;
      yield { type: 'record', data: { i } };
    }
  }
  const ahead = new ReadAhead(source(), 3);
  for (let k = 0; k < 5; k++) await tick();
  assert.ok(produced <= 4, `read ${produced} events ahead with a limit of 3`);
  const got: unknown[] = [];
  for await (const e of ahead.events()) got.push(e.type === 'record' ? e.data.i : e);
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("the stream's error comes after every event before it", async () => {
  async function* source(): AsyncGenerator<StreamEvent> {
    yield { type: 'record', data: { i: 1 } };
    throw new Error('Jira said no');
  }
  const ahead = new ReadAhead(source());
  const got: unknown[] = [];
  await assert.rejects(async () => {
    for await (const e of ahead.events()) got.push(e.type === 'record' ? e.data.i : e);
  }, /Jira said no/);
  assert.deepEqual(got, [1]);
});

test('stop() ends the stream it reads (its finally blocks run)', async () => {
  let closed = false;
  async function* source(): AsyncGenerator<StreamEvent> {
    try {
      for (let i = 0; ; i++) yield { type: 'record', data: { i } };
    } finally {
      closed = true;
    }
  }
  const ahead = new ReadAhead(source(), 2);
  await tick();
  ahead.stop();
  for (let k = 0; k < 3; k++) await tick();
  assert.equal(closed, true);
});
