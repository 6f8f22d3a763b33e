# Letters' transport, links, QR codes and captcha (twnhi-notify): its error messages.

## Letters

# *Design.* A letter kind that does not exist (CLI, previews).
notify-unknown-letter = 沒有這種信件(confirmation, completion, password-reset, cancellation, cancellation-notice, deleted, email-change, email-changed, password-changed)
# *Design.* A letter template failed to write (not expected).
notify-letter-template = 信件範本產生失敗
# *Design.* A sample value of a preview was refused (not expected).
notify-preview-sample = 範例資料錯誤
# *Design.* A preview file could not be written.
# $path: the file or directory
notify-preview-io = 無法寫入檔案 { $path }

## Composing and sending

# *Design.* An e-mail address the mail library or the transport does not accept.
# $address: the address
notify-invalid-address = 電子郵件地址格式錯誤：{ $address }
# *Design.* A Message-ID or its derivation key is malformed.
notify-invalid-message-id = Message-ID 格式錯誤
# *Design.* The mail library refused to build the message.
notify-compose-build = 無法產生電子郵件
# *Design.* The mail server refused the message for good (SMTP 5xx).
# $code: the SMTP reply code
# $message: the server's text
notify-mail-rejected = 郵件伺服器拒收 ({ $code }): { $message }
# *Design.* The mail server refused for now (SMTP 4xx).
# $code: the SMTP reply code
# $message: the server's text
notify-mail-transient = 郵件伺服器暫時無法收信 ({ $code }): { $message }
# *Design.* The mail server did not answer in time.
# $after: the configured timeout, such as 30s
notify-mail-timeout = 郵件伺服器逾時未回應({ $after })
# *Design.* No connection to the mail server.
notify-mail-connect = 無法連線至郵件伺服器
# *Design.* TLS with the mail server failed.
notify-mail-tls = 與郵件伺服器的加密連線失敗
# *Design.* The mail server refused the credentials.
notify-mail-auth = 郵件伺服器驗證失敗
# *Design.* The mail server broke the protocol.
notify-mail-protocol = 郵件傳送協定錯誤
# *Design.* Writing an .eml file failed.
# $path: the file or directory
notify-mail-io = 無法寫入郵件檔案 { $path }
# *Design.* A failure injected in tests.
notify-mail-simulated = 模擬的傳送失敗

## SMTP settings

# *Design.* The SMTP URL cannot be parsed.
notify-smtp-url = SMTP 網址格式錯誤
# *Design.* The SMTP URL's scheme.
notify-smtp-scheme = SMTP 網址須以 smtp:// 或 smtps:// 開頭
# *Design.* The SMTP URL has no host.
notify-smtp-host = SMTP 網址缺少主機名稱
# *Design.* Plain SMTP to another host than the loopback.
notify-smtp-plain = 未加密的 SMTP 只允許連線到本機(127.0.0.1、::1、localhost)
# *Design.* A bad parameter of the SMTP URL.
# $detail: what is wrong
notify-smtp-param = SMTP 網址參數錯誤：{ $detail }
# *Design.* The root certificate file is not PEM.
notify-smtp-root-cert = 根憑證格式錯誤
# *Design.* TLS could not be set up.
notify-smtp-tls = 無法設定 TLS

## Links

# *Design.* The public base URL is not an absolute URL.
notify-base-url-invalid = 網站網址格式錯誤
# *Design.* The public base URL's scheme.
notify-base-url-scheme = 網站網址須為 http 或 https
# *Design.* The public base URL has credentials, a query or a fragment.
notify-base-url-parts = 網站網址不可包含帳號密碼、查詢字串或片段
# *Design.* A link token is malformed.
notify-link-token = 連結驗證碼格式錯誤
# *Design.* An e-mail verification code is malformed.
notify-email-code = E-Mail 驗證碼格式錯誤

## Images and captcha

# *Design.* The QR code's payload is too long.
notify-qr-too-long = QR Code 內容過長
# *Design.* The QR code's payload is empty.
notify-qr-empty = QR Code 內容不可為空
# *Design.* A QR code image size is invalid.
notify-qr-size = QR Code 圖片大小錯誤
# *Design.* A PNG image could not be encoded.
notify-png = 無法產生 PNG 圖片
# *Design.* A captcha answer that is not 5 digits.
notify-captcha-digits = 圖片驗證碼須為5碼數字
# *Design.* The audio captcha could not be made.
notify-captcha-audio = 無法產生語音驗證碼
