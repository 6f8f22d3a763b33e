# Certificate verification (twnhi-pki): why a citizen certificate is refused, why a signature
# does not verify, why an input cannot be read, and the lines of `twnhi cert verify`.
# `VerifyError`'s `Display` shows zh-TW / English followed by its code, e.g.
# `憑證已過期（有效期限至 2024-01-31 23:59:59 UTC）/ the certificate expired (valid until 2024-01-31 23:59:59 UTC) [7604]`.

## Why a certificate is refused (`VerifyError`), codes 76xx

# *Design.* 7601.
# $detail: the parser's words (English)
pki-error-malformed = 憑證格式錯誤：{ $detail }
# *Design.* 7602: no path to a configured trust anchor (a foreign certification authority).
pki-error-unknown-issuer = 憑證不是由信任的憑證管理中心簽發
# *Design.* 7603: a certificate of the chain does not verify under its issuer's key.
pki-error-bad-signature = 憑證的簽章無效（憑證可能遭竄改或偽造）
# *Design.* 7604.
# $not_after: the end of the validity, 2024-01-31 23:59:59 UTC
pki-error-expired = 憑證已過期（有效期限至 { $not_after }）
# *Design.* 7605.
# $not_before: the start of the validity, 2024-01-31 00:00:00 UTC
pki-error-not-yet-valid = 憑證尚未生效（自 { $not_before } 起生效）
# *Design.* 7606.
pki-error-revoked = 憑證已被廢止或停用
# *Design.* 7607: not a signing certificate (key usage without digitalSignature, or an extended key usage without clientAuth).
pki-error-wrong-key-usage = 憑證的金鑰用途不符，請使用簽章用憑證
# *Design.* 7608: no configured CRL covers the certificate's issuer.
pki-error-revocation-unknown = 無法確認憑證是否已被廢止（沒有其簽發者的憑證廢止清冊）
# *Design.* 7609: the CRL that covers the issuer is past its next update.
pki-error-crl-expired = 憑證廢止清冊已逾下次更新時間，無法確認憑證狀態
# *Design.* 7610: the CRL is not signed by the certificate's issuer, or its signature is invalid.
pki-error-crl-invalid = 憑證廢止清冊的簽章無效
# *Design.* 7611.
# $detail: the algorithm or extension (English)
pki-error-unsupported = 憑證使用不支援的演算法或擴充欄位：{ $detail }
# *Design.* 7619: any other refusal of the path validation.
# $detail: the validator's words (English)
pki-error-other = 憑證驗證失敗：{ $detail }

## Signatures (`SignatureError`), codes 762x

# *Design.* 7621: the signature does not verify with the certificate's key.
pki-signature-invalid = 簽章驗證失敗
# *Design.* 7622.
# $scheme: the signature scheme, pkcs1-sha256
pki-signature-key-mismatch = 簽章方式 { $scheme } 與憑證的金鑰類型不符
# *Design.* 7623.
# $detail: what is wrong (English)
pki-signature-malformed = 簽章或憑證格式錯誤：{ $detail }
# *Design.* An unknown signature scheme name.
# $scheme: the name given
pki-signature-unknown-scheme = 不支援的簽章方式 { $scheme }（可用 pkcs1-sha256、pss-sha256、ecdsa-p256-sha256）

## Inputs (`LoadError`)

# *Design.* A file cannot be read.
# $path: the file
pki-load-io = 無法讀取 { $path }
# *Design.* Neither PEM nor DER.
# $what: the file or source
# $detail: the parser's words (English)
pki-load-format = { $what } 不是 PEM 或 DER 格式：{ $detail }
# *Design.* PEM without a certificate.
# $what: the file or source
pki-load-no-certificate = { $what } 中沒有憑證
# *Design.* A trust anchor that cannot be used.
# $what: the file or source
# $detail: the parser's words (English)
pki-load-anchor = { $what } 無法作為信任的根憑證：{ $detail }
# *Design.* A CRL that cannot be parsed.
# $what: the file or source
# $detail: the parser's words (English)
pki-load-crl = { $what } 不是可用的憑證廢止清冊：{ $detail }
# *Design.* A CRL source has no fetcher (URL sources are served by the site's own client).
# $what: the source
pki-load-unsupported-source = 不支援的憑證廢止清冊來源 { $what }

## Fetching CRLs and OCSP responses over http (`FetchError`), codes 7631–7635

# *Design.* 7631: not an absolute http:// URL (CRLs and OCSP responses are signed, so no TLS).
# $url: the address as given
# $why: what is wrong (English)
pki-fetch-bad-url = { $url } 不是可用的網址：{ $why }
# *Design.* 7632: no connection, or the exchange broke off.
# $url: the address
# $detail: the system's words (English)
pki-fetch-unreachable = 無法連線至 { $url }：{ $detail }
# *Design.* 7633.
# $url: the address
# $seconds: the time allowed
pki-fetch-timeout = { $url } 未在 { $seconds } 秒內回應
# *Design.* 7634.
# $url: the address
# $status: the HTTP status, 404
pki-fetch-status = { $url } 回應 HTTP 狀態碼 { $status }
# *Design.* 7635.
# $url: the address
# $limit: the largest answer taken, in bytes
pki-fetch-too-large = { $url } 的回應超過 { $limit } 位元組

## OCSP checks (`OcspError`), codes 7624–7630

# *Design.* 7624: neither a configured responder nor an OCSP address in the certificate (authority information access).
pki-ocsp-no-responder = 未設定 OCSP 查詢服務，憑證中也沒有查詢服務網址
# *Design.* 7625.
# $detail: the fetch error's message in the same language
pki-ocsp-fetch = 無法連線至 OCSP 查詢服務：{ $detail }
# *Design.* 7626.
# $detail: the parser's words (English)
pki-ocsp-malformed = OCSP 查詢服務的回應格式錯誤：{ $detail }
# *Design.* 7627: the responder's status (RFC 6960): tryLater, unauthorized, internalError, malformedRequest, sigRequired.
# $status: its name
pki-ocsp-responder-status = OCSP 查詢服務拒絕查詢（{ $status }）
# *Design.* 7628: the signature does not verify, or the signer is neither the issuing CA nor a responder it authorised.
# $detail: what is wrong (English)
pki-ocsp-signature = OCSP 回應的簽章無效或簽署者未經授權：{ $detail }
# *Design.* 7629: the answer is about another certificate, or echoes another nonce.
# $detail: what differs (English)
pki-ocsp-mismatch = OCSP 回應與查詢的憑證不符：{ $detail }
# *Design.* 7630: thisUpdate ahead of now, or nextUpdate past.
# $detail: which time (English)
pki-ocsp-stale = OCSP 回應已非最新狀態：{ $detail }

## The key types of the summary

# *Design.*
# $bits: the modulus size (number)
pki-key-rsa = RSA { $bits } 位元
pki-key-ec-p256 = ECDSA P-256
# *Design.*
# $oid: the curve or algorithm OID
pki-key-other = 其他（{ $oid }）

## `twnhi cert verify`

# *Design.* First line of a valid certificate.
pki-verify-valid = 憑證有效
# *Design.* Labels of the summary.
pki-label-subject = 主體
pki-label-name = 姓名
pki-label-serial = 序號
pki-label-issuer = 簽發者
pki-label-valid-from = 生效
pki-label-valid-until = 到期
pki-label-key = 金鑰
pki-label-id-last4 = 身分證末四碼
pki-label-chain = 憑證鏈
pki-label-revocation = 廢止檢查
# *Design.* The revocation line.
# $count: the number of CRLs (number)
pki-revocation-checked = 已比對 { $count } 份憑證廢止清冊
pki-revocation-not-checked = 未檢查（未指定 --crl）
# *Design.* `twnhi cert verify --ocsp`: the label of the OCSP line.
pki-label-ocsp = OCSP 查詢
# *Design.* `twnhi cert verify --ocsp`: the responder says the certificate is good.
pki-ocsp-good = 正常（未廢止）
# *Design.* A time given with --at that is not RFC 3339.
# $value: what was given
pki-verify-bad-time = 時間 { $value } 不是 RFC 3339 格式（例如 2025-01-31T12:00:00+08:00）
