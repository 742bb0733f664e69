// Certificate failures are named with their fix; other network codes are not certificate problems (issue 12, item 9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateProblem } from '../../../src/http/tls-errors.js';

test('certificate problems name what is wrong and the fix', () => {
  assert.match(certificateProblem('DEPTH_ZERO_SELF_SIGNED_CERT', 'jira.corp')!, /jira\.corp is self-signed .*ca_certificate/);
  assert.match(certificateProblem('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'h')!, /unknown CA.*ca_certificate/);
  assert.match(certificateProblem('SELF_SIGNED_CERT_IN_CHAIN', 'h')!, /untrusted \(self-signed\) root CA/);
  assert.match(certificateProblem('CERT_HAS_EXPIRED', 'h')!, /has expired.*renew/);
  assert.match(certificateProblem('ERR_TLS_CERT_ALTNAME_INVALID', 'h')!, /another host name.*base_url/);
  assert.match(certificateProblem('CERT_REVOKED', 'h')!, /was rejected \(CERT_REVOKED\)/);
  for (const code of ['ECONNRESET', 'ECONNREFUSED', 'TIMEOUT', 'UND_ERR_SOCKET']) assert.equal(certificateProblem(code, 'h'), undefined);
});
