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

## The check page at `/` (檢測健保卡認證; assets/index.html and assets/check.js)
# In index.html, `{{id}}` shows the zh-TW text followed by the English one in
# `<span class="en">`, `{{zh-TW:id}}` and `{{en:id}}` one language. The texts are element
# content: `&`, `<` and `>` are escaped, quotes are kept; ids ending in `-html` hold inline
# markup, shown as written. check.js reads its texts from the JSON the page embeds, with its
# arguments as `{name}`.

# *Manual.* Title of the page (and of the browser tab).
bridge-check-title = 檢測健保卡認證
# *Design.* What the page does.
bridge-check-lead = 此頁檢查瀏覽器能否連上本機的健保卡元件（twnhi bridge）。插入健保卡後按【讀取健保卡】及【驗證健保卡】檢測是否成功。
# *Manual.* Button that reads the card (legacy protocol, `GetBasic`).
bridge-check-read = 讀取健保卡
# *Manual.* Button that verifies the card (JSON protocol, `challenge`).
bridge-check-verify = 驗證健保卡
# *Manual.* Button that clears the reply.
bridge-check-clear = 清除
# *Manual.* Row: the browser and its version.
bridge-check-browser = 瀏覽器版本
# *Design.* Row: the operating system.
bridge-check-os = 作業系統
# *Manual.* Row: whether the browser is supported.
bridge-check-supported = 是否支援
# *Design.* Row: the card readers and their cards.
bridge-check-reader = 讀卡機
# *Manual.* Row: the component's reply.
bridge-check-reply = 回應訊息
# *Manual.* Row: the connection status.
bridge-check-status = 連線狀態
# *Design.* Connection status while the page connects.
bridge-check-connecting = 連線中…
# *Design.* Shown when the browser runs no JavaScript.
bridge-check-needs-script = 此頁需要 JavaScript。
# *Design.* Heading of the help when the connection fails.
bridge-check-help = 伺服器連線失敗時
# *Design.* Help: is the component running? Inline markup: the commands.
bridge-check-help-running-html = 確認元件正在執行：<code>systemctl --user status twnhi-bridge</code>，或在終端機執行 <code>twnhi bridge</code>。
# *Design.* Help: is the smart-card service running? Inline markup: the command.
bridge-check-help-pcscd-html = 確認讀卡機服務正在執行：<code>systemctl status pcscd</code>（錯誤碼 7001）。
# *Design.* Help: the local certificate for https sites. Inline markup: the command.
bridge-check-help-cert-html = 網站若使用 https，請依說明安裝本機憑證：<code>twnhi bridge cert</code>。
# *Manual.* Connection status: the bridge answers.
bridge-check-connected = 伺服器連線正常
# *Manual.* Connection status: the bridge cannot be reached.
bridge-check-disconnected = 伺服器連線 失敗
# *Design.* Row "supported": the browser has WebSocket.
bridge-check-supported-yes = ✔ 支援
# *Design.* Row "supported": the browser cannot run the check.
bridge-check-supported-no = ✘ 不支援，請改用其他瀏覽器
# *Design.* Reply while the card is read.
bridge-check-reading = 讀取中…
# *Design.* Reply while the card is verified.
bridge-check-verifying = 驗證中…
# *Design.* Reply: the basic data read from the card (the English text leaves out the sex).
# $card: the card number
# $id: the ID number
# $name: the name
# $birth: the date of birth, ROC calendar (0700101)
# $sex: `bridge-check-sex-m`, `bridge-check-sex-f` or the card's letter
bridge-check-basic = 讀取成功：卡號 { $card }，身分證號 { $id }，姓名 { $name }，出生日期 { $birth }，性別 { $sex }
# *Design.* The sex M of the basic data.
bridge-check-sex-m = 男 M
# *Design.* The sex F of the basic data.
bridge-check-sex-f = 女 F
# *Design.* Reply: the card answered the authentication challenge.
# $card: the card number
# $rc: the challenge's random number (hexadecimal)
bridge-check-challenge = 健保卡回應認證挑戰（卡號 { $card }，亂數 { $rc }）。完整的卡片驗證由網站伺服器完成。
# *Design.* Row "reader": no reader was found.
bridge-check-no-reader = 找不到讀卡機
# *Design.* Row "reader": one reader and its card.
# $reader: the reader's name
# $card: `bridge-check-card-nhi`, `bridge-check-card-other` or `bridge-check-card-none`
bridge-check-reader-card = { $reader }（{ $card }）
# *Design.* Row "reader": between two readers.
bridge-check-reader-separator = ；
# *Design.* The reader holds an NHI card.
bridge-check-card-nhi = 健保卡
# *Design.* The reader holds a card that is not an NHI card.
bridge-check-card-other = 其他卡片
# *Design.* The reader holds no card.
bridge-check-card-none = 無卡
# *Design.* Reply: an error of the component with its code.
# $message: `bridge-check-code-*`
# $code: the error code, 8001
bridge-check-error = { $message }（錯誤碼 { $code }）
# *Design.* Error 4061: the component cannot be reached.
bridge-check-code-4061 = 無法連線到健保卡元件
# *Design.* Error 7001.
bridge-check-code-7001 = 讀卡機服務（PC/SC）未啟動
# *Design.* Error 7002.
bridge-check-code-7002 = 找不到讀卡機
# *Design.* Error 7003.
bridge-check-code-7003 = 無法存取讀卡機
# *Design.* Error 7004.
bridge-check-code-7004 = 未插入健保卡
# *Design.* Error 8001.
bridge-check-code-8001 = 讀卡失敗
# *Design.* Error 8002.
bridge-check-code-8002 = 讀卡過程中健保卡被移除
# *Design.* Error 8003.
bridge-check-code-8003 = 健保卡認證傳輸錯誤（取得亂數）
# *Design.* Error 8004.
bridge-check-code-8004 = 健保卡認證傳輸錯誤
# *Design.* Error 8005.
bridge-check-code-8005 = 無法讀取卡片識別碼
# *Design.* Error 8006.
bridge-check-code-8006 = 健保卡認證失敗
# *Design.* Error 8010.
bridge-check-code-8010 = 基本資料讀取失敗
# *Design.* Error 8011.
bridge-check-code-8011 = 基本資料格式錯誤
# *Design.* Error 8013.
bridge-check-code-8013 = 無法存取健保卡（不是健保卡或被其他程式占用）
# *Design.* Error 8201.
bridge-check-code-8201 = 元件不支援此功能
# *Design.* Error 9999.
bridge-check-code-9999 = 無法辨識的指令
# *Design.* An error code without a text of its own.
bridge-check-code-other = 錯誤
