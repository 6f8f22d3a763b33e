# The command line (twnhi-cli): its messages. The CLI prints both languages on one line.

## Every command

# *Design.* The label of an error line on stderr.
cli-error = 錯誤
# *Design.* A panic: a bug, reported in one line.
cli-internal-error = 程式內部錯誤，請回報
# *Design.* The runtime could not start.
cli-runtime = 無法啟動
# *Design.* The async runtime could not start.
cli-async-runtime = 無法啟動非同步執行環境
# *Design.* A file could not be read.
# $path: the file
cli-cannot-read = 無法讀取 { $path }
# *Design.* A file could not be written.
# $path: the file
cli-cannot-write = 無法寫入 { $path }
# *Design.* Standard output could not be written.
cli-stdout = 無法輸出

## twnhi notify

# *Design.* A letter was sent (label).
cli-sent = 已寄出

## twnhi serve

# *Design.* The mail settings are not supported.
cli-mail-settings = 不支援的寄信設定
# *Design.* The SAM key file (label).
cli-sam-key-file = SAM 金鑰檔
# *Design.* The server key file (label).
cli-server-key-file = 伺服器金鑰檔
# *Design.* The database (label).
cli-database = 資料庫
# *Design.* The database cannot be written.
cli-database-read-only = 資料庫無法寫入（唯讀、權限不足或磁碟已滿）
# *Design.* The title of the line saying where the site listens.
cli-serve-title = 健保卡網路服務註冊
# *Design.* Where the site listens: "listening on 127.0.0.1:8080".
cli-listening-on = 監聽於

## twnhi admin

# *Design.* The admin commands' runtime could not start.
cli-admin-runtime = 無法啟動執行環境
# *Design.* A directory could not be created.
# $path: the directory
cli-cannot-create-dir = 無法建立目錄 { $path }
# *Design.* Registry import result (label).
cli-imported = 匯入
# *Design.* A registration (label).
cli-registration = 註冊
# *Design.* The ID number (label).
cli-id-number = 身分證號
# *Design.* The state of a registration (label).
cli-state = 狀態
# *Design.* When the application was made (label).
cli-applied = 申請
# *Design.* When the e-mail address was verified (label).
cli-verified = 認證
# *Design.* When the registration was cancelled (label).
cli-cancelled = 刪除
# *Design.* The mobile phone number (label).
cli-mobile = 行動電話
# *Design.* A mobile device (label).
cli-device = 裝置
# *Design.* A letter (label).
cli-letter = 信件
# *Design.* The audit trail (label).
cli-audit-trail = 稽核
# *Design.* The mail outbox (label).
cli-outbox = 郵件佇列
# *Design.* A letter identifier that is not one.
cli-bad-letter-id = 信件識別碼格式錯誤
# *Design.* Nothing to send again.
cli-no-letter-to-requeue = 沒有可重送的信件（不存在、未放棄或內容已清除）
# *Design.* Letters put back in the queue (label).
cli-requeued = 重送
