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
# *Design.* `twnhi admin db migrate` done.
# $database: the database (URL or path, password masked)
# $applied: migrations applied now (number)
cli-db-migrated = { $database }：資料庫結構已是最新（本次套用 { $applied } 項更新）
# *Design.* `twnhi admin db copy` asked the other way round.
cli-db-copy-direction = `twnhi admin db copy` 將 SQLite 檔案（--from）複製到 PostgreSQL 資料庫（--to）
# *Design.* `twnhi admin db copy` done.
# $tables: tables copied (number)
# $rows: rows copied (number)
# $to: the destination (password masked)
# $seconds: seconds taken
cli-db-copied = 已將 { $tables } 個資料表、{ $rows } 筆資料複製到 { $to }，費時 { $seconds } 秒；筆數相符
# *Design.* `admin db copy`: schemas differ.
# $detail: what differs
cli-db-copy-schema = 兩個資料庫的結構不同（請以同一版 twnhi 操作）：{ $detail }
# *Design.* `admin db copy`: the destination is not empty.
# $table: the table
# $rows: its rows (number)
cli-db-copy-not-empty = 目的資料庫的資料表 { $table } 已有 { $rows } 筆資料：請複製到新的空資料庫
# *Design.* `admin db copy`: a value does not convert.
# $table: the table
# $column: the column
# $reason: why
cli-db-copy-value = 資料表 { $table } 欄位 { $column }：資料無法轉換（{ $reason }）
# *Design.* `admin db copy`: the counts differ.
# $table: the table
# $read: rows read (number)
# $destination: rows in the destination (number)
cli-db-copy-count = 資料表 { $table }：讀取 { $read } 筆，目的資料庫有 { $destination } 筆
# *Design.* `twnhi admin outbox test` done.
# $count: letters queued (number)
cli-test-letters-queued = 已排入 { $count } 封測試信件；執行中的網站將於數秒內寄出
# *Design.* After a registry import: how fast.
# $rows: rows written (number)
# $seconds: seconds taken (number, one decimal)
# $rate: rows per second (number)
cli-import-rate = 已寫入 { $rows } 筆，費時 { $seconds } 秒（每秒 { $rate } 筆）
# *Design.* `admin registry demo --count` over 100,000 without `--no-cards`.
cli-demo-too-many-cards = 超過 100,000 人時須加上 --no-cards（僅產生 registry.csv）
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

## twnhi bridge, twnhi card, twnhi demo

# *Design.* The label of a warning line on stderr.
cli-warning = 注意
# *Design.* The label of a note line on stderr.
cli-note = 注意
# *Design.* An identity file (JSON) of a simulated card could not be read.
# $path: the file
# $error: why
cli-cannot-read-identity = 無法讀取身分檔 { $path }（{ $error }）

## twnhi bridge

# *Design.* The bridge's one-line help (a label beside the English sentence).
cli-bridge-about = 健保卡元件
# *Design.* The bridge's long help (`twnhi bridge --help`), after its one-line help.
cli-bridge-long-about =
    本機服務，取代官方的 mNHIICC / mLNHIICC 元件：網頁以 WebSocket 與 HTTP 與它連線，它透過
    PC/SC（pcscd）讀取健保卡，每台讀卡機一次一個操作，並將讀卡機與卡片的變動推送給網頁。

    提供：
      /         檢測健保卡認證頁面（以瀏覽器開啟）
      /echo     官方元件的文字協定（GetVersion、GetBasic、GetRandom）
      /v1/...   JSON 協定：GET /v1/status、/v1/readers、/v1/readers/{"{"}reader{"}"}/card，
                WebSocket /v1/ws（docs/bridge-protocol.md）

    只有允許來源的網頁能取得卡片資料：本機來源（任何連接埠的 http(s)://localhost 與
    127.0.0.1，`twnhi serve` 與 `twnhi demo` 即在此執行），以及以 --allow-origin 指定的來源
    （您的註冊網站）。pcscd 停止時元件仍繼續執行（請求回覆 7001），服務恢復後即自動接續。
    按 Ctrl-C 或送出 SIGTERM 即正常停止。

    設定的優先順序由高至低：參數、TWNHI_BRIDGE_* 環境變數、設定檔（TOML；--config，否則為
    存在時的 ~/.config/twnhi/bridge.toml）、預設值。--print-config 顯示合併後的結果。

    範例：
      twnhi bridge
      twnhi bridge --allow-origin https://nhi.example.org
      twnhi bridge --sim                            # 沒有讀卡機：程序內的模擬卡
      twnhi bridge cert                             # 建立 wss:// 用的本機憑證機構（一次）
      twnhi bridge --tls-cert ~/.config/twnhi/bridge-tls/localhost.pem \
                   --tls-key ~/.config/twnhi/bridge-tls/localhost-key.pem
      TWNHI_LOG=info twnhi bridge --listen 127.0.0.1:7778
# *Design.* The heading of the sample configuration file in `twnhi bridge --help`.
cli-bridge-config-file = 設定檔（TOML，每個鍵皆可省略；`twnhi bridge --print-config` 列出全部）：
# *Design.* Where to read about running the bridge as a systemd user service.
cli-bridge-systemd = 以 systemd 使用者服務執行：見 packaging/systemd/twnhi-bridge.service 與 docs/bridge.md。
# *Design.* The bridge's exit codes, in `twnhi bridge --help`.
cli-bridge-exit-codes = 結束代碼：0 正常停止 · 1 無法啟動（連接埠已被使用、TLS 檔案） · 2 設定錯誤。
# *Design.* The old JSON configuration file is ignored (a warning in the log).
# $file: the name of the TOML file to write instead
cli-bridge-json-config = 不再讀取 JSON 設定檔，請改寫為 { $file }（TOML）
# *Design.* The cards of the simulated reader (beside the reader's name).
cli-bridge-sim-card = 模擬卡
# *Design.* A reader, before its name.
cli-bridge-reader = 讀卡機
# *Design.* Loopback origins on any port.
cli-bridge-any-port = 任何連接埠
# *Design.* The title of the bridge's start-up lines.
cli-bridge-component = 健保卡元件
# *Design.* The start-up lines (labels): the check page's address.
cli-bridge-check-page = 檢測頁
# *Design.* The address of the official component's text protocol (label).
cli-bridge-legacy = 舊版協定
# *Design.* The addresses of the JSON protocol (label; only the zh-TW text is shown, it
# already holds the English word).
cli-bridge-json = JSON 協定
# *Design.* Where the cards are read: PC/SC or the simulated card (label).
cli-bridge-cards = 讀卡
# *Design.* The origins allowed to use the bridge (label).
cli-bridge-origins = 允許來源
# *Design.* The bridge listens on an address other machines can reach.
# $addr: the address
cli-bridge-non-loopback = 正在非本機位址 { $addr } 監聽，其他電腦也能連線
# *Design.* How to stop: after "Ctrl-C".
cli-bridge-to-stop = 停止
# *Design.* `twnhi bridge cert` found no home directory.
cli-bridge-no-home = 找不到家目錄，請以 --out 指定目錄
# *Design.* `twnhi bridge cert` made a new certificate authority.
cli-bridge-ca-created = 已建立新的本機憑證機構
# *Design.* `twnhi bridge cert` kept the certificate authority and renewed the certificate.
cli-bridge-ca-kept = 沿用既有的本機憑證機構，已更新伺服器憑證
# *Design.* The files written by `twnhi bridge cert` (labels).
cli-bridge-ca-cert = CA 憑證
cli-bridge-ca-key = CA 金鑰
cli-bridge-server-cert = 伺服器憑證
cli-bridge-server-key = 伺服器金鑰
# *Design.* The names the certificate holds (label).
cli-bridge-names = 名稱
# *Design.* The heading of the steps that make browsers and the system trust the CA.
cli-bridge-trust-ca = 信任此 CA（每台電腦一次）
# *Design.* The steps, one per browser or system (headings before commands).
cli-bridge-trust-chromium = Chromium / Chrome（Linux，NSS；套件 libnss3-tools）
cli-bridge-trust-firefox = Firefox（每個設定檔；snap 版 Firefox：~/snap/firefox/common/.mozilla/firefox）
cli-bridge-trust-firefox-settings = 或 設定 → 隱私權與安全性 → 憑證 → 檢視憑證 → 憑證機構 → 匯入
cli-bridge-trust-debian = 系統憑證庫，Debian / Ubuntu
cli-bridge-trust-fedora = 系統憑證庫，Fedora
# *Design.* What the CA can certify.
cli-bridge-ca-scope = 此 CA 只能簽發 localhost、127.0.0.0/8、::1 與上列名稱的憑證。
# *Design.* Browsers read the trusted CAs when they start.
cli-bridge-restart-browsers = 重新啟動瀏覽器後生效。
# *Design.* The command that runs the bridge with the certificate (label).
cli-bridge-run = 啟動

## twnhi card

# *Design.* No reader at all.
cli-card-no-reader = 找不到讀卡機
# *Design.* What is in a reader (`twnhi card readers`, `twnhi card watch`).
cli-card-no-card = 無卡
cli-card-nhi-card = 健保卡
cli-card-professional-card = 醫事人員卡
cli-card-other-card = 其他卡片
# *Design.* `twnhi card read --wait`: the spinner's text.
cli-card-waiting = 等待插入健保卡…
# *Design.* A date with its ROC form: 1990-01-01（民國 79 年 1 月 1 日）.
# $date: the date, YYYY-MM-DD
# $year: the ROC year
# $month: the month, 1–12
# $day: the day of the month
cli-card-roc-date = { $date }（民國 { $year } 年 { $month } 月 { $day } 日）
# *Design.* A note in parentheses after a value.
# $note: the note
cli-card-note = （{ $note }）
# *Design.* The card's basic data (labels in a column).
cli-card-reader = 讀卡機
cli-card-card-no = 卡號
cli-card-name = 姓名
cli-card-id-no = 身分證號
cli-card-birth-date = 出生日期
cli-card-sex = 性別
cli-card-issue-date = 發卡日期
# *Design.* Some characters of the name could not be decoded (a note after it).
cli-card-name-lossy = 部分字元無法解碼
# *Design.* The sex on the card.
cli-card-male = 男
cli-card-female = 女
# *Design.* `twnhi card watch` waits for the PC/SC service (a note after the error).
cli-card-waiting-service = 等待服務啟動
# *Design.* `twnhi card watch`: what happened (labels before the reader's name).
cli-card-reader-added = 讀卡機接上
cli-card-reader-removed = 讀卡機移除
cli-card-inserted = 插入卡片
cli-card-removed = 取出卡片
# *Design.* `twnhi card decode`: the text is not hex.
# $error: why
cli-card-bad-hex = 無法解析十六進位資料（{ $error }）
# *Design.* `twnhi card decode`: the status word is not 90 00.
# $sw: the two bytes of the status word in hex, "6A 82"
cli-card-bad-status = 回應狀態不是 90 00（{ $sw }）
# *Design.* `twnhi card decode`: the response has the wrong length.
# $n: the number of bytes
cli-card-bad-length = 長度 { $n } 位元組，應為 57 或 59（含 90 00）
# *Design.* `twnhi card sim`: vpcd cannot be reached.
# $vpcd: vpcd's address
# $error: why
cli-card-no-vpcd = 無法連線 vpcd（{ $vpcd }）：請確認已安裝 vsmartcard-vpcd 且 pcscd 正在執行（{ $error }）
# *Design.* `twnhi card sim`: the simulated card is in the reader.
# $name: the card holder's name
# $mode: the fault modes
# $vpcd: vpcd's address
cli-card-sim-inserted = 模擬健保卡已插入（{ $name }，模式 { $mode }）
# *Design.* `twnhi card sim`: how to take the card out.
cli-card-sim-remove = Ctrl-C 取出
# *Design.* `twnhi card sim`: the simulated card left the reader.
# $count: how many commands it answered
cli-card-sim-removed = 模擬卡已取出（回答了 { $count } 個指令）

## twnhi demo

# *Design.* The demo's data directory could not be deleted (--fresh).
# $path: the directory
cli-demo-cannot-delete = 無法刪除資料目錄 { $path }
# *Design.* The title of the demo's start-up lines.
cli-demo-title = 健保卡網路服務註冊 展示
# *Design.* The demo's addresses and directories (labels in a column).
cli-demo-site = 網站
cli-demo-mailbox = 郵件信箱
cli-demo-switch-card = 切換健保卡
cli-demo-card-bridge = 健保卡元件
cli-demo-data-dir = 資料目錄
cli-demo-letters = 信件
# *Design.* The heading of the list of synthetic people.
cli-demo-people = 合成人物
# *Design.* Every synthetic person has a simulated card (after the heading).
cli-demo-each-has-card = 每位都有一張模擬健保卡
# *Design.* A person's card number and household ID number (labels in the list).
cli-demo-card = 卡號
cli-demo-household = 戶號
# *Design.* The person whose card is in the simulated reader (after the line).
cli-demo-in-reader = 讀卡機中
# *Design.* The demo serves plain http on loopback, with synthetic data.
cli-demo-synthetic = 展示以未加密的 http 僅於本機提供，資料皆為合成。
# *Design.* How to stop the demo.
cli-demo-stop = 按 Ctrl-C 結束
# *Design.* Where the demo people's simulated citizen certificates are (label, then the value with the PIN).
cli-demo-cert-cards = 自然人憑證
# $pin: the demo's certificate PIN
cli-demo-cert-softhsm = SoftHSM2 憑證卡，PIN 碼 { $pin }
# $pin: the demo's certificate PIN
cli-demo-cert-soft = 程式內的軟體憑證卡，PIN 碼 { $pin }
# *Design.* `twnhi demo --cert-token softhsm` on a machine without SoftHSM2.
cli-demo-no-softhsm = 未安裝 SoftHSM2（Debian 套件 softhsm2）
# $path: the directory
cli-demo-softhsm-dir = 無法建立 SoftHSM2 目錄 { $path }
# *Design.* The demo's second process (with SOFTHSM2_CONF) could not be started.
cli-demo-softhsm-start = 無法以 SoftHSM2 啟動展示
# *Design.* The demo's second process was started without SOFTHSM2_CONF.
cli-demo-softhsm-child = 未設定 SOFTHSM2_CONF
