import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorError } from '../../src/errors.js';
import { midRunProof, ProvenStates } from '../../src/proven-states.js';

function harness() {
  let unidentified = 0;
  let now = 0;
  const emitted: string[] = [];
  const proofs: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  const prove = () => new Promise<void>((resolve, reject) => proofs.push({ resolve, reject }));
  const gate = new ProvenStates<string>(prove, async (s) => void emitted.push(s), () => now, () => unidentified, 1000);
  return {
    gate, emitted, proofs,
    answer: (identified: boolean) => void (identified || unidentified++),
    advance: (ms: number) => void (now += ms),
  };
}

const settle = () => new Promise((r) => setImmediate(r));

test('proven states: while every answer names the user, states go out at once with no proof', async () => {
  const h = harness();
  h.answer(true);
  await h.gate.add('s1');
  h.answer(true);
  await h.gate.add('s2');
  await h.gate.finish();
  assert.deepEqual(h.emitted, ['s1', 's2']);
  assert.equal(h.proofs.length, 0);
});

test('proven states: after an unidentified answer, states wait for a proof started after them', async () => {
  const h = harness();
  h.answer(false);
  await h.gate.add('s1'); // held: no proof due yet (interval)
  assert.deepEqual(h.emitted, []);
  h.advance(1000);
  await h.gate.add('s2'); // a proof starts now, covering s1 and s2
  assert.equal(h.proofs.length, 1);
  h.answer(false); // after the proof started: not covered by it
  await h.gate.add('s3');
  h.proofs[0]!.resolve();
  await settle();
  await h.gate.add('s4');
  assert.deepEqual(h.emitted, ['s1', 's2'], 's3 and s4 rest on an answer after the proof started');
  const done = h.gate.finish();
  await settle();
  assert.equal(h.proofs.length, 2, 'the end of the stream proves once more');
  h.proofs[1]!.resolve();
  await done;
  assert.deepEqual(h.emitted, ['s1', 's2', 's3', 's4']);
});

test('proven states: once a proof covers every unidentified answer, later states go out at once again', async () => {
  const h = harness();
  h.answer(false);
  h.advance(1000);
  await h.gate.add('s1');
  h.proofs[0]!.resolve();
  await settle();
  h.answer(true);
  await h.gate.add('s2');
  assert.deepEqual(h.emitted, ['s1', 's2']);
  assert.equal(h.proofs.length, 1);
});

test('proven states: a proof that fails sends none of the states it was to cover, and its error surfaces', async () => {
  const h = harness();
  h.answer(false);
  await h.gate.add('s1');
  const done = h.gate.finish();
  await settle();
  const revoked = new ConnectorError('Jira rejected the credentials (401): check email and api_token', 'config_error');
  h.proofs[0]!.reject(revoked);
  await assert.rejects(done, (err) => err === revoked && h.gate.failedWith(err));
  assert.deepEqual(h.emitted, []);
});

test('midRunProof: a config error from the check becomes "stopped accepting the credentials", others pass through', async () => {
  const revoked = midRunProof(async () => {
    throw new ConnectorError('Jira rejected the credentials (401): check email and api_token.', 'config_error');
  });
  await assert.rejects(revoked(), (err: ConnectorError) => /^Jira stopped accepting the credentials during the read \(Jira rejected the credentials \(401\)\)/.test(err.message) && err.failureType === 'config_error');
  const down = new ConnectorError('Jira kept failing with HTTP 503', 'transient_error');
  await assert.rejects(midRunProof(async () => { throw down; })(), (err) => err === down);
});
