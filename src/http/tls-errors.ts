// Certificate failures, by the code Node's TLS layer gives them: a config problem (trust the site's CA,
// or fix the certificate), never a network hiccup to retry. There is deliberately no setting that
// turns verification off: ca_certificate trusts an internal CA instead.

const PROBLEMS: Record<string, { what: string; fix: string }> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: { what: 'is self-signed', fix: 'put that certificate (PEM) in ca_certificate, or give the site one from a trusted CA' },
  SELF_SIGNED_CERT_IN_CHAIN: { what: 'is issued by an untrusted (self-signed) root CA', fix: "put the root CA's certificate (PEM) in ca_certificate" },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { what: 'is issued by an unknown CA', fix: "put the issuing CA's certificate (PEM) in ca_certificate" },
  UNABLE_TO_GET_ISSUER_CERT: { what: 'is issued by an unknown CA', fix: "put the issuing CA's certificate (PEM) in ca_certificate" },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { what: 'is issued by an unknown CA', fix: "put the issuing CA's certificate (PEM) in ca_certificate" },
  CERT_HAS_EXPIRED: { what: 'has expired', fix: "the site's administrator must renew it (or this machine's clock is wrong)" },
  CERT_NOT_YET_VALID: { what: 'is not valid yet', fix: "check this machine's clock, or the site's certificate dates" },
  ERR_TLS_CERT_ALTNAME_INVALID: { what: 'is issued for another host name', fix: 'set base_url to a host name the certificate names' },
};

/** A one-line description (what is wrong, and the fix) when `code` is a certificate failure; undefined otherwise. */
export function certificateProblem(code: string, host: string): string | undefined {
  const known = PROBLEMS[code];
  if (known !== undefined) return `the TLS certificate of ${host} ${known.what} (${code}): ${known.fix}`;
  if (/^(CERT_|ERR_TLS_CERT|INVALID_CA|INVALID_PURPOSE|UNABLE_TO_(DECRYPT|DECODE)_)/.test(code)) {
    return `the TLS certificate of ${host} was rejected (${code}): fix the site's certificate, or put its CA's certificate (PEM) in ca_certificate`;
  }
  return undefined;
}
