# The local card component (twnhi-bridge): the certificate card requests of the JSON protocol
# (`certificates`, `sign`). Sent to the page as `message_zh` / `message_en` of an error.

# *Design.* 7501 from the bridge: no PKCS#11 module at the configured or default paths.
# $path: the module's path (or the default paths, joined)
bridge-cert-module-not-found = 找不到 PKCS#11 模組：{ $path }（請安裝 HiCOS 卡片管理工具，或以 --pkcs11-module 指定模組給健保卡元件）
# *Design.* 9999: `serial` of a `sign` request is missing or not hex.
bridge-request-bad-serial = serial 必須是憑證序號（十六進位）
# *Design.* 9999: `data` of a `sign` request is missing, not hex, or too long.
bridge-request-bad-data = data 必須是 1 至 1024 位元組的十六進位字串
# *Design.* 9999: `scheme` of a `sign` request is not a known scheme.
bridge-request-bad-scheme = scheme 必須是 pkcs1-sha256、pss-sha256 或 ecdsa-p256-sha256
# *Design.* 9999: `pin` of a `sign` request is missing, empty, not a string or too long.
bridge-request-bad-pin = pin 必須是憑證卡的 PIN 碼（最多 64 個字元的字串）
