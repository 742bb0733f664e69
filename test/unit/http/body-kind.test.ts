// A 2xx body that is not JSON is named from its first bytes; one that starts like JSON is left to the parser (issue 12, item 11).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nonJsonBody } from '../../../src/http/body-kind.js';

const table: Array<[string, string, string | undefined]> = [
  ['a JSON object', '{"a":1}', undefined],
  ['a JSON array after whitespace', ' \n [1]', undefined],
  ['a truncated JSON object (retried by the caller)', '{"issues": [{"id": "1', undefined],
  ['an empty body', '', 'an empty body'],
  ['only whitespace', ' \r\n', 'an empty body'],
  ['an HTML page with a title', '<!DOCTYPE html><html><head><title>Log in - Acme SSO</title></head></html>', 'an HTML page ("Log in - Acme SSO")'],
  ['an HTML page without a title', '<html><body>hi</body></html>', 'an HTML page'],
  ['XML', '<?xml version="1.0"?><status>ok</status>', 'XML or markup ("<?xml version="1.0"?><status>ok</status>")'],
  ['plain text', 'Service temporarily unavailable', 'plain text ("Service temporarily unavailable")'],
];

for (const [name, body, want] of table) {
  test(`body kind: ${name}`, () => assert.equal(nonJsonBody(Buffer.from(body)), want));
}
