# Certificate verification (twnhi-pki). Arguments are documented in zh-TW/pki.ftl.

## Why a certificate is refused (`VerifyError`), codes 76xx

pki-error-malformed = the certificate is malformed: { $detail }
pki-error-unknown-issuer = the certificate was not issued by a trusted certification authority
pki-error-bad-signature = the certificate's signature is invalid (it may have been altered or forged)
pki-error-expired = the certificate has expired (valid until { $not_after })
pki-error-not-yet-valid = the certificate is not yet valid (valid from { $not_before })
pki-error-revoked = the certificate has been revoked or suspended
pki-error-wrong-key-usage = the certificate's key usage does not allow signing; use the signing certificate
pki-error-revocation-unknown = cannot tell whether the certificate was revoked (no CRL of its issuer)
pki-error-crl-expired = the certificate revocation list is past its next update; the certificate's status is unknown
pki-error-crl-invalid = the certificate revocation list's signature is invalid
pki-error-unsupported = the certificate uses an unsupported algorithm or extension: { $detail }
pki-error-other = certificate verification failed: { $detail }

## Signatures (`SignatureError`), codes 762x

pki-signature-invalid = the signature does not verify
pki-signature-key-mismatch = the signature scheme { $scheme } does not match the certificate's key type
pki-signature-malformed = the signature or certificate is malformed: { $detail }
pki-signature-unknown-scheme = unknown signature scheme { $scheme } (use pkcs1-sha256, pss-sha256 or ecdsa-p256-sha256)

## Inputs (`LoadError`)

pki-load-io = cannot read { $path }
pki-load-format = { $what } is neither PEM nor DER: { $detail }
pki-load-no-certificate = { $what } holds no certificate
pki-load-anchor = { $what } cannot be used as a trusted root: { $detail }
pki-load-crl = { $what } is not a usable certificate revocation list: { $detail }
pki-load-unsupported-source = unsupported CRL source { $what }

## Fetching CRLs and OCSP responses over http (`FetchError`), codes 7631–7635

pki-fetch-bad-url = { $url } is not a usable address: { $why }
pki-fetch-unreachable = cannot reach { $url }: { $detail }
pki-fetch-timeout = { $url } did not answer within { $seconds } seconds
pki-fetch-status = { $url } answered with HTTP status { $status }
pki-fetch-too-large = the answer of { $url } is larger than { $limit } bytes

## OCSP checks (`OcspError`), codes 7624–7630

pki-ocsp-no-responder = no OCSP responder is configured and the certificate names none
pki-ocsp-fetch = the OCSP responder cannot be reached: { $detail }
pki-ocsp-malformed = the OCSP responder's answer is malformed: { $detail }
pki-ocsp-responder-status = the OCSP responder declined the request ({ $status })
pki-ocsp-signature = the OCSP response's signature is invalid or its signer is not authorised: { $detail }
pki-ocsp-mismatch = the OCSP response does not answer for this certificate: { $detail }
pki-ocsp-stale = the OCSP response is not current: { $detail }

## The key types of the summary

pki-key-rsa = RSA { $bits } bits
pki-key-ec-p256 = ECDSA P-256
pki-key-other = other ({ $oid })

## `twnhi cert verify`

pki-verify-valid = the certificate is valid
pki-label-subject = Subject
pki-label-name = Name
pki-label-serial = Serial
pki-label-issuer = Issuer
pki-label-valid-from = Valid from
pki-label-valid-until = Valid until
pki-label-key = Key
pki-label-id-last4 = ID last 4
pki-label-chain = Chain
pki-label-revocation = Revocation
pki-revocation-checked = checked against { $count ->
    [one] 1 CRL
   *[other] { $count } CRLs
}
pki-revocation-not-checked = not checked (no --crl given)
pki-label-ocsp = OCSP
pki-ocsp-good = good (not revoked)
pki-verify-bad-time = the time { $value } is not RFC 3339 (for example 2025-01-31T12:00:00+08:00)
