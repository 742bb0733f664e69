import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoUtc, parseFixedFormBytes, parseJiraTime, toUtcRfc3339 } from '../../../src/jira/jira-time.js';

const viaDateParse = (v: string) => Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

test('parseJiraTime agrees with Date.parse on Jira date-times with any offset', () => {
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let i = 0; i < 5000; i++) {
    const offset = `${rnd(2) ? '+' : '-'}${pad(rnd(15))}${pad([0, 15, 30, 45][rnd(4)]!)}`;
    const v = `${1990 + rnd(50)}-${pad(1 + rnd(12))}-${pad(1 + rnd(31))}T${pad(rnd(24))}:${pad(rnd(60))}:${pad(rnd(60))}.${pad(rnd(1000), 3)}${offset}`;
    const expected = viaDateParse(v);
    if (Number.isNaN(expected)) assert.throws(() => parseJiraTime(v), /not a Jira date-time/, v);
    else assert.equal(parseJiraTime(v), expected, v);
  }
  assert.equal(toUtcRfc3339('2026-01-18T23:45:00.123+0545'), '2026-01-18T18:00:00.123Z');
  assert.equal(toUtcRfc3339('2024-02-29T23:59:59.999-0100'), '2024-03-01T00:59:59.999Z');
});

test('parseJiraTime rejects what is not a date-time', () => {
  for (const v of ['2026-13-01T00:00:00.000+0000', '2026-01-01T25:00:00.000+0000', 'yesterday', '']) {
    assert.throws(() => parseJiraTime(v), /not a Jira date-time/, v);
  }
});

test('isoUtc formats like Date.prototype.toISOString', () => {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
  const edges = [0, -1, 951_782_400_000, 4_107_542_400_000, -62_135_596_800_000, 253_402_300_799_999, 253_402_300_800_000];
  for (const ms of [...edges, ...Array.from({ length: 20_000 }, () => Math.floor((rnd() - 0.3) * 6e12))]) {
    assert.equal(isoUtc(ms), new Date(ms).toISOString(), String(ms));
  }
});

test('the fixed form is read like Date.parse reads it over the years 0001-9999 (leap days, years 0-99 as themselves), from its string and from its bytes', () => {
  let seed = 3;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const years = [1, 99, 100, 400, 1600, 1900, 2000, 2024, 2100, 9999, ...Array.from({ length: 300 }, () => 1 + rnd(9999))];
  for (const y of years) {
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    for (const [mo, d] of [[1, 1], [2, 28], [2, leap ? 29 : 28], [3, 1], [12, 31], [1 + rnd(12), 1 + rnd(28)]]) {
      const offset = `${rnd(2) ? '+' : '-'}${pad(rnd(15))}${pad([0, 30, 45][rnd(3)]!)}`;
      const v = `${pad(y, 4)}-${pad(mo!)}-${pad(d!)}T${pad(rnd(24))}:${pad(rnd(60))}:${pad(rnd(60))}.${pad(rnd(1000), 3)}${offset}`;
      const expected = viaDateParse(v);
      const bytes = Buffer.from(`"${v}"`);
      assert.ok(!Number.isNaN(expected), v);
      assert.equal(parseJiraTime(v), expected, v);
      assert.equal(parseFixedFormBytes(bytes, 1), expected, v);
    }
  }
});
