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
