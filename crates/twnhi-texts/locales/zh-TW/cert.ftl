# The citizen digital certificate card side (twnhi-pkcs11): the texts of `CertError` and of
# the token list. `CertError`'s `Display` shows zh-TW / English followed by its code, e.g.
# `未偵測到憑證卡，請插入憑證卡 / no certificate card found; insert the card into the reader [7503]`.

## Errors (`CertError`), codes 75xx

# *Design.* 7501.
# $path: the module's path
cert-error-module-not-found = 找不到 PKCS#11 模組：{ $path }（請安裝 HiCOS 卡片管理工具，或以 --module 指定模組）
# *Design.* 7502.
# $path: the module's path
# $reason: the loader's words (English)
cert-error-module-not-loadable = 無法載入 PKCS#11 模組 { $path }：{ $reason }
# *Design.* 7503.
cert-error-no-token = 未偵測到憑證卡，請插入憑證卡
# *Design.* 7504, the token says nothing of the tries left.
cert-error-wrong-pin = 憑證 PIN 碼錯誤
# *Design.* 7504 with CKF_USER_PIN_COUNT_LOW.
cert-error-wrong-pin-count-low = 憑證 PIN 碼錯誤，剩餘可嘗試次數不多
# *Design.* 7504 with CKF_USER_PIN_FINAL_TRY.
cert-error-wrong-pin-final-try = 憑證 PIN 碼錯誤，僅剩最後一次機會，再錯將鎖卡
# *Design.* 7505.
cert-error-pin-locked = 憑證 PIN 碼已鎖住，請持 PUK 碼至戶政事務所或以憑證管理工具解鎖
# *Design.* 7506.
# $serial: the serial number asked for (hex)
cert-error-certificate-missing = 卡片上沒有序號為 { $serial } 的憑證
# *Design.* 7507.
# $serial: the certificate's serial number (hex)
cert-error-key-missing = 卡片上沒有憑證 { $serial } 的私密金鑰
# *Design.* 7508.
# $scheme: the signature scheme (pkcs1-sha256, pss-sha256, ecdsa-p256-sha256)
cert-error-mechanism-unsupported = 卡片或其金鑰不支援 { $scheme } 簽章
# *Design.* 7509.
cert-error-pin-format = 憑證 PIN 碼為空白或長度不符
# *Design.* 7510.
# $reason: the parser's words (English)
cert-error-certificate-malformed = 無法讀取卡片上的憑證：{ $reason }
# *Design.* 7511.
cert-error-token-removed = 作業過程中憑證卡被移除
# *Design.* 7519.
# $reason: the module's words (English)
cert-error-token = 憑證卡模組回報錯誤：{ $reason }

## The token list (`twnhi cert list`)

# *Design.* No PIN flag set.
cert-pin-ok = PIN 正常
# *Design.* CKF_USER_PIN_COUNT_LOW.
cert-pin-count-low = 曾輸入錯誤 PIN
# *Design.* CKF_USER_PIN_FINAL_TRY.
cert-pin-final-try = 僅剩最後一次
# *Design.* CKF_USER_PIN_LOCKED.
cert-pin-locked = PIN 已鎖住

## twnhi cert list / sign (twnhi-cli)

# *Design.* The label of a token's line in `twnhi cert list`.
cli-cert-token = 憑證卡
# *Design.* After a certificate's subject in `twnhi cert list`.
# $issuer: the issuer's name (RFC 4514 style)
cli-cert-issuer = 發證者 { $issuer }
# *Design.* The PIN prompt of `twnhi cert sign` on a terminal.
cli-cert-pin-prompt = 請輸入憑證 PIN 碼：
# *Design.* `--cert` is not hex.
# $serial: what was given
cli-cert-bad-serial = 憑證序號須為十六進位：{ $serial }
