# The local NHI card component (twnhi-bridge): errors of the bridge itself, of its settings
# and of the JSON protocol. The JSON protocol sends every error in both languages
# (`message_zh`, `message_en`); `Display` of the errors shows zh-TW / English.

## The bridge could not start or serve (`BridgeError`)

# *Design.* The listening socket could not be bound.
# $addr: the address asked for, 127.0.0.1:7777
# $source: the operating system's error
bridge-error-bind = 無法在 { $addr } 開始監聽（{ $source }）
# *Design.* The server failed while serving.
# $source: the operating system's error
bridge-error-serve = 服務中斷（{ $source }）
# *Design.* The async runtime could not be started.
# $source: the operating system's error
bridge-error-runtime = 無法啟動執行環境（{ $source }）
# *Design.* A certificate or key file could not be read or written.
# $path: the file
# $source: the operating system's error
bridge-error-file = 無法存取 { $path }（{ $source }）
# *Design.* A PEM file holds no usable certificate or key.
# $what: which input, certificate or private key
# $detail: what is wrong with it
bridge-error-pem = { $what } 格式錯誤：{ $detail }
# *Design.* rustls refused the certificate and key.
# $source: rustls's error
bridge-error-tls = TLS 設定錯誤（{ $source }）
# *Design.* Generating a certificate failed.
# $source: the generator's error
bridge-error-cert-gen = 無法產生憑證（{ $source }）
# *Design.* A configuration value is invalid (`Display` shows the zh-TW text only, the reason
# being bilingual already).
# $reason: the bilingual `bridge-config-*` text
bridge-error-config = 設定錯誤：{ $reason }

## Invalid configuration values (`ConfigError`)

# *Design.* An allowed origin is not `http(s)://host[:port]`.
# $origin: the value given
bridge-config-origin = 來源「{ $origin }」格式錯誤，應為 https://主機[:埠]
# *Design.* An allowed host name is not a host name or IP address.
# $host: the value given
bridge-config-host = 主機名稱「{ $host }」格式錯誤
# *Design.* A setting is out of its range.
# $name: the setting, ws_idle_timeout
# $min: the smallest value allowed
# $max: the largest value allowed
bridge-config-range = { $name } 必須介於 { $min } 與 { $max } 之間
# *Design.* The WebSocket ping interval is not shorter than the idle timeout.
bridge-config-ping-interval = ws_ping_interval 必須短於 ws_idle_timeout

## The settings file and flags (`SettingsError`)

# *Design.* The configuration file could not be read.
# $path: the file
# $source: the operating system's error
bridge-settings-read = 無法讀取設定檔 { $path }
# *Design.* The configuration file is not valid TOML or has an unknown key.
# $path: the file
# $source: the parser's error, with line and column
bridge-settings-syntax = 設定檔 { $path } 有誤
# *Design.* A setting has a value that cannot be used.
# $key: the setting
# $reason: why (bilingual)
bridge-settings-invalid = { $key } 的值無效
# *Design.* Only one of the TLS certificate and key is set.
bridge-settings-tls-pair = tls_cert 與 tls_key 必須同時設定
# *Design.* A number of seconds is negative or not a number.
# $value: the value given
bridge-settings-seconds = 須為不小於 0 的秒數

## The JSON protocol (code 9999 unless said otherwise)

# *Design.* Code 4061: too many clients are connected.
bridge-busy = 連線數已達上限，請稍後再試
# *Design.* A request that is not JSON.
bridge-request-not-json = 要求不是 JSON 格式
# *Design.* A request that is JSON but not an object.
bridge-request-not-object = 要求必須是 JSON 物件
# *Design.* A request without a usable id.
bridge-request-bad-id = 缺少 id，或 id 不是數字或 128 字以內的字串
# *Design.* A request without a type.
bridge-request-no-type = 缺少要求類型 type
# *Design.* A `reader` that is not a reader name.
bridge-request-bad-reader = reader 必須是讀卡機名稱字串
# *Design.* An `authenticate` request without `au`.
bridge-request-no-au = 缺少 au（64 個十六進位字元）
# *Design.* An unknown request type.
# $type: the type given, at most 32 characters
bridge-request-unknown-type = 未知的要求類型「{ $type }」
# *Design.* An `au` that is not 32 bytes in hexadecimal.
bridge-request-bad-au = au 必須是 32 位元組（64 個十六進位字元）
# *Design.* A binary WebSocket message.
bridge-request-binary = 請以文字訊息傳送 JSON
# *Design.* The reader name in the path of `/v1/readers/{name}/card` is empty or too long.
bridge-request-bad-reader-name = 讀卡機名稱錯誤
# *Design.* A reply that could not be serialized.
bridge-internal-error = 內部錯誤

## Plain-text answers of the HTTP server (zh-TW / English on one line)

# *Design.* 404.
bridge-http-not-found = 找不到此頁面
# *Design.* 403: the `Host` is not an allowed host name (DNS rebinding).
bridge-http-host-refused = 主機名稱不允許
# *Design.* 403: the `Origin` is not allowed.
bridge-http-origin-refused = 來源不允許
