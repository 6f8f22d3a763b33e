# The command line's help (`twnhi --help`, `twnhi <command> -h`), one entry per command and
# argument: `cli-help` is `twnhi` itself, `cli-help-card-read` is `twnhi card read`,
# `cli-help-card-read--wait` its argument `wait` (the argument's id, `_` written `-`). An
# argument looked up under a command's entry serves the whole family below it
# (`cli-help-admin--db` is `--db` of every `twnhi admin …` command) unless a nearer entry
# exists. crates/twnhi-cli/src/help.rs reads this file.
#
# The value is the one-line help in this language, `.long` the long help (`--help`) when it
# says more, `.label` a short label. The help of twnhi prints a labelled entry as the zh-TW
# label then the English help (「列出讀卡機 List the card readers …」), an entry without a
# label in English.

## twnhi

# *Design.* `twnhi`.
cli-help = （健保卡網路服務註冊），開放原始碼
    .label = twnhi — 健保卡網路服務註冊
    .long =
        （健保卡網路服務註冊），開放原始碼。

        透過 PC/SC 讀取健保卡、模擬健保卡供開發使用、執行瀏覽器連線的本機健保卡元件（`bridge`）、檢查身分證號與密碼、預覽通知信，並管理健保資料。

        結束代碼：0 成功 · 1 失敗 · 2 用法或輸入錯誤 · 3 環境問題（無 PC/SC 服務、無讀卡機、無卡片） · 4 卡片錯誤。
# *Design.* `twnhi`: argument `log`.
cli-help--log = 診斷訊息（stderr）的記錄篩選條件（例如 `info`、`twnhi_pcsc=debug`）

## twnhi demo

# *Design.* `twnhi demo`.
cli-help-demo = 在單一程序中執行整個系統：網站、合成健保資料、模擬健保卡、郵件匣
    .label = 展示
# *Design.* `twnhi demo`: argument `data-dir`.
cli-help-demo--data-dir = 資料目錄：SQLite 資料庫、金鑰檔、郵件匣與公告檔（預設：系統暫存目錄中的 `twnhi-demo`）。每次執行之間保留：相同的人物、註冊與信件
    .label = 資料目錄
# *Design.* `twnhi demo`: argument `listen`.
cli-help-demo--listen = 網站的位址（僅限本機迴路：展示以純 http 提供服務）
    .label = 網站位址
# *Design.* `twnhi demo`: argument `bridge-listen`.
cli-help-demo--bridge-listen = 程序內健保卡元件的位址
    .label = 健保卡元件位址
# *Design.* `twnhi demo`: argument `people`.
cli-help-demo--people = 健保資料中的合成人物數
    .label = 合成人物數
# *Design.* `twnhi demo`: argument `fresh`.
cli-help-demo--fresh = 先刪除資料目錄（重新開始展示）
# *Design.* `twnhi demo`: argument `database-url`.
cli-help-demo--database-url = 改用 PostgreSQL 資料庫（`postgres://user@host/db`，啟動時更新結構），而非資料目錄中的 SQLite 檔案。`--fresh` 不會清空它
    .label = 重新開始
# *Design.* `twnhi demo`: argument `cert-token`.
cli-help-demo--cert-token = 合成人物的模擬自然人憑證與金鑰放在哪裡：`auto` 已安裝 SoftHSM2 時放在 SoftHSM2 憑證卡，否則放在程式內的軟體憑證卡；`soft` 程式內的軟體憑證卡；`softhsm` SoftHSM2 憑證卡（位於暫存目錄，展示結束時刪除）［預設：auto］

## twnhi serve

# *Design.* `twnhi serve`.
cli-help-serve = 以 SQLite 執行註冊網站（網頁與 App API）
    .label = 網站
# *Design.* `twnhi serve`: argument `config`.
cli-help-serve--config = 設定檔（TOML；鍵名為參數名稱，以 `_` 連接）
    .label = 設定檔
# *Design.* `twnhi serve`: argument `print-config`.
cli-help-serve--print-config = 以 TOML 輸出實際生效的設定（合併參數、環境變數、設定檔與預設值；隱藏機密）後結束
    .label = 顯示設定
# *Design.* `twnhi serve`: argument `listen`.
cli-help-serve--listen = 監聽的位址［預設：127.0.0.1:8080］
    .label = 監聽位址
# *Design.* `twnhi serve`: argument `public-url`.
cli-help-serve--public-url = 網站的公開網址（信件中的連結、表單送出的來源），例如 `https://nhi.example.org/`。必填
    .label = 網站網址
# *Design.* `twnhi serve`: argument `database-url`.
cli-help-serve--database-url = 資料庫：`postgres://user@host/db`（PostgreSQL）、路徑或 `sqlite://PATH`（SQLite）［預設：twnhi.sqlite3］
    .label = 資料庫
# *Design.* `twnhi serve`: argument `smtp-url`.
cli-help-serve--smtp-url = SMTP 轉寄伺服器，例如 `smtp://mail.example.org:587?tls=starttls`（使用者名稱與密碼寫在網址中，或 TWNHI_SMTP_USER / TWNHI_SMTP_PASSWORD）。與 `--mail-dir` 擇一
    .label = 郵件伺服器
# *Design.* `twnhi serve`: argument `smtp-user`.
cli-help-serve--smtp-user = SMTP 使用者名稱
# *Design.* `twnhi serve`: argument `smtp-password`.
cli-help-serve--smtp-password = SMTP 密碼（建議使用環境變數而非參數）
# *Design.* `twnhi serve`: argument `mail-dir`.
cli-help-serve--mail-dir = 將信件寫成 `.eml` 檔放入此目錄，而不寄出
    .label = 郵件目錄
# *Design.* `twnhi serve`: argument `mail-from`.
cli-help-serve--mail-from = 信件的寄件地址［預設：noreply@ 公開網址的主機］
    .label = 寄件地址
# *Design.* `twnhi serve`: argument `sam-key-file`.
cli-help-serve--sam-key-file = 軟體 SAM 的主金鑰檔（不存在時建立，權限 0600）［預設：sam-master.key］
    .label = SAM 金鑰檔
# *Design.* `twnhi serve`: argument `server-key-file`.
cli-help-serve--server-key-file = 一次性密碼、密封信件與 CSRF 權杖的金鑰（不存在時建立，權限 0600）［預設：server.key］
    .label = 伺服器金鑰檔
# *Design.* `twnhi serve`: argument `service-hours`.
cli-help-serve--service-hours = 服務時間，台北時間［預設：06:00-24:00］
    .label = 服務時間
# *Design.* `twnhi serve`: argument `bridge-origin`.
cli-help-serve--bridge-origin = 網頁連線的健保卡元件來源［預設：http://127.0.0.1:7777］
    .label = 健保卡元件
# *Design.* `twnhi serve`: argument `announcements`.
cli-help-serve--announcements = 由維運人員編輯的公告檔
    .label = 最新公告
# *Design.* `twnhi serve`: argument `insecure-http`.
cli-help-serve--insecure-http = 以純 http 提供服務，Cookie 不加 `Secure` — 僅限本機迴路，且公開網址為 http://127.0.0.1 或 http://localhost（本機試用）
# *Design.* `twnhi serve`: argument `trust-forwarded-for`.
cli-help-serve--trust-forwarded-for = 從 X-Forwarded-For 取得用戶端位址（位於會設定此標頭的反向代理之後）
# *Design.* `twnhi serve`: argument `migrate`.
cli-help-serve--migrate = PostgreSQL：啟動時套用本程式尚未套用的資料庫結構更新（關閉時，結構過舊即拒絕啟動；請先執行一次 `twnhi admin db migrate`）。SQLite 檔案一律自動更新
# *Design.* `twnhi serve`: argument `replicas`.
cli-help-serve--replicas = 負載平衡器後方共同提供本網站的副本數：每個副本執行每一位址請求上限的 1/N（預設：1）
# *Design.* `twnhi serve`: argument `outbox-lease-secs`.
cli-help-serve--outbox-lease-secs = 本副本寄信程序認領的信件保留給它的秒數；當機後由其他副本在保留期滿時寄出（預設：120）
# *Design.* `twnhi serve`: argument `cert-trust`.
cli-help-serve--cert-trust = 自然人憑證登入的信任根憑證（PEM 或 DER；可重複或以逗號分隔）。未設定時，憑證頁面會說明本服務尚未設定
# *Design.* `twnhi serve`: argument `cert-intermediate`.
cli-help-serve--cert-intermediate = 憑證登入的中繼 CA 憑證（PEM 或 DER）
# *Design.* `twnhi serve`: argument `cert-crl`.
cli-help-serve--cert-crl = 憑證登入的憑證廢止清冊：檔案（PEM 或 DER）或 http:// 網址，每隔 --cert-crl-refresh-minutes 重新載入
# *Design.* `twnhi serve`: argument `cert-crl-refresh-minutes`.
cli-help-serve--cert-crl-refresh-minutes = 重新載入憑證廢止清冊的間隔分鐘數；載入失敗時沿用上次成功取得的清冊（預設：60）
# *Design.* `twnhi serve`: argument `cert-ocsp`.
cli-help-serve--cert-ocsp = 登入時以 OCSP 查詢每張憑證的狀態：查詢服務的 http:// 網址，或 `aia` 表示使用憑證中記載的查詢服務
# *Design.* `twnhi serve`: argument `cert-identity`.
cli-help-serve--cert-identity = 憑證與身分證號對照表：每行 `身分證號,憑證檔`（相對於對照表所在目錄）
# *Design.* `twnhi serve`: argument `session-idle-minutes`.
cli-help-serve--session-idle-minutes = 瀏覽器工作階段在無請求多少分鐘後結束［預設：20］
    .label = 閒置逾時
# *Design.* `twnhi serve`: argument `database-max-connections`.
cli-help-serve--database-max-connections = PostgreSQL：本程序最多開啟的資料庫連線數［預設：10］
# *Design.* `twnhi serve`: argument `database-statement-timeout`.
cli-help-serve--database-statement-timeout = PostgreSQL：SQL 敘述逾時秒數，0 表示使用伺服器設定［預設：30］
# *Design.* `twnhi serve`: argument `app-token-minutes`.
cli-help-serve--app-token-minutes = App 權杖的有效分鐘數［預設：15］
# *Design.* `twnhi serve`: argument `hotline`.
cli-help-serve--hotline = 信件所列健保服務專線的號碼：免付費專線、不須加區碼的號碼、手機撥打的號碼，以逗號分隔［預設：0800-030-598,4128-678,02-4128-678］
# *Design.* `twnhi serve`: argument `service-links`.
cli-help-serve--service-links = 註冊完成通知信所列線上服務的網址：個人健康資料網路服務作業、健康存摺、全民健保行動快易通 APP，以空白分隔［預設：使用手冊所列網址］

## twnhi card

# *Design.* `twnhi card`.
cli-help-card = 健保卡：列出讀卡機、讀取、監看、解碼、模擬
    .label = 健保卡
# *Design.* `twnhi card readers`.
cli-help-card-readers = 列出 PC/SC 所知的讀卡機，以及各讀卡機中的卡片
    .label = 列出讀卡機
# *Design.* `twnhi card readers`: argument `json`.
cli-help-card-readers--json = 以 JSON 輸出，而非表格
# *Design.* `twnhi card read`.
cli-help-card-read = 讀取讀卡機中健保卡的基本資料
    .label = 讀取健保卡
    .long =
        讀取讀卡機中健保卡的基本資料

        以一次 PC/SC 交易（SELECT + GET DATA）讀取卡號、姓名、身分證號、出生日期、
        性別與發卡日期，並與其他軟體共用讀卡機。

        範例：
          twnhi card read
          twnhi card read --wait 30 --json
          twnhi card read --reader "Virtual PCD 00 00"
# *Design.* `twnhi card read`: argument `reader`.
cli-help-card-read--reader = 使用的讀卡機（預設：第一個插有卡片的讀卡機，健保卡優先）
# *Design.* `twnhi card read`: argument `wait`.
cli-help-card-read--wait = 最多等待 SECS 秒讓卡片插入（0 = 不等待）
# *Design.* `twnhi card read`: argument `json`.
cli-help-card-read--json = 以 JSON 輸出（欄位 card_no、name、name_lossy、id_no、birth_date、sex、issue_date、reader）
# *Design.* `twnhi card watch`.
cli-help-card-watch = 監看讀卡機與卡片的插入與移除，直到按下 Ctrl-C
    .label = 監看插拔
# *Design.* `twnhi card watch`: argument `json`.
cli-help-card-watch--json = 每行輸出一個 JSON 物件
# *Design.* `twnhi card watch`: argument `max-events`.
cli-help-card-watch--max-events = 在這麼多個事件後停止（預設：執行到中斷為止）
# *Design.* `twnhi card decode`.
cli-help-card-decode = 解碼以十六進位表示的基本資料回應（57 位元組，或以 90 00 結尾的 59 位元組）
    .label = 解碼
    .long =
        解碼以十六進位表示的基本資料回應（57 位元組，或以 90 00 結尾的 59 位元組）

        範例：
          twnhi card decode "30 30 30 30 31 31 … 90 00"
# *Design.* `twnhi card decode`: argument `hex`.
cli-help-card-decode--hex = 十六進位表示的回應；可含空白（請加引號）
# *Design.* `twnhi card decode`: argument `json`.
cli-help-card-decode--json = 以 JSON 輸出
# *Design.* `twnhi card sim`.
cli-help-card-sim = 將模擬健保卡接上 vsmartcard-vpcd，直到按下 Ctrl-C
    .label = 模擬卡
    .long =
        將模擬健保卡接上 vsmartcard-vpcd，直到按下 Ctrl-C

        之後每個 PC/SC 應用程式都會在讀卡機「Virtual PCD 00 00」中看到這張卡。
        需要執行中的 pcscd，並已安裝 vsmartcard-vpcd 驅動程式。

        模式（以逗號組合）：normal、t0（61xx + GET RESPONSE）、new-gen（SELECT
        回覆 6D 00）、wrong-le（6Cxx）、other-card（非健保卡）、remove-after=N
        （回覆 N 個指令後拔出）、slow=MS（每個回覆需時 MS 毫秒）、pad-nul
        （姓名以 NUL 位元組補齊，與實際發行的卡片相同）或 pad-space（以空白補齊，
        預設）。

        範例：
          twnhi card sim
          twnhi card sim --identity person.json --mode t0,slow=20
# *Design.* `twnhi card sim`: argument `vpcd`.
cli-help-card-sim--vpcd = 虛擬讀卡機的 vpcd 位址（35963 = "Virtual PCD 00 00"，35964 = "… 00 01"）
# *Design.* `twnhi card sim`: argument `identity`.
cli-help-card-sim--identity = 持卡人的身分檔（JSON）；預設：內建的合成人物
# *Design.* `twnhi card sim`: argument `mode`.
cli-help-card-sim--mode = 故障模式，以逗號分隔（見上文）

## twnhi bridge

# `twnhi bridge` itself: cli-bridge-about and cli-bridge-long-about in cli.ftl.

# *Design.* `twnhi bridge`: argument `listen`.
cli-help-bridge--listen = 監聽的位址［預設：127.0.0.1:7777］。非本機迴路位址會讓其他電腦連到元件（並顯示警告）
# *Design.* `twnhi bridge`: argument `allow-origins`.
cli-help-bridge--allow-origins = 除本機來源外允許使用元件的來源，例如 https://nhi.example.org（可重複，環境變數中以逗號分隔）
# *Design.* `twnhi bridge`: argument `no-loopback-origins`.
cli-help-bridge--no-loopback-origins = 不允許本機來源（http(s)://localhost、127.0.0.1、[::1]）；元件本身的檢測頁面仍可使用
# *Design.* `twnhi bridge`: argument `allow-null-origin`.
cli-help-bridge--allow-null-origin = 允許來源 `null`（某些瀏覽器中由 file:// 開啟的網頁 — 以及任何網站的沙箱框架：僅限您能掌控的電腦）
# *Design.* `twnhi bridge`: argument `allow-hosts`.
cli-help-bridge--allow-hosts = 除 localhost 與本機迴路位址外，請求中接受的主機名稱，例如 hosts 檔將 iccert.nhi.gov.tw 對應到 127.0.0.1 時的該名稱（可重複；`*` 接受任何名稱）
# *Design.* `twnhi bridge`: argument `reader`.
cli-help-bridge--reader = 請求未指定讀卡機時使用的讀卡機［預設：第一個插有卡片的讀卡機］
# *Design.* `twnhi bridge`: argument `max-clients`.
cli-help-bridge--max-clients = 同時連線的用戶端上限（WebSocket 連線與 HTTP 請求）［預設：64］
# *Design.* `twnhi bridge`: argument `max-frame`.
cli-help-bridge--max-frame = 接受的 WebSocket 訊息大小上限，以位元組計［預設：16384］
# *Design.* `twnhi bridge`: argument `max-connections`.
cli-help-bridge--max-connections = WebSocket 以外開啟的 HTTP 連線上限；達到上限時，關閉等待請求最久的連線［預設：256］
# *Design.* `twnhi bridge`: argument `header-timeout`.
cli-help-bridge--header-timeout = 連線送出請求標頭（並完成 TLS 交握）的秒數上限［預設：10］
# *Design.* `twnhi bridge`: argument `idle-timeout`.
cli-help-bridge--idle-timeout = WebSocket 未送出任何資料（連 pong 也沒有）多少秒後關閉［預設：60］。必須長於 --ping-interval
# *Design.* `twnhi bridge`: argument `ping-interval`.
cli-help-bridge--ping-interval = 每個 WebSocket 送出 ping 的間隔秒數；瀏覽器會自行回覆，因此開啟中的網頁會保持連線［預設：20］
# *Design.* `twnhi bridge`: argument `tls-cert`.
cli-help-bridge--tls-cert = 以此憑證鏈提供 https:// 與 wss://（PEM；見 `twnhi bridge cert`）
# *Design.* `twnhi bridge`: argument `tls-key`.
cli-help-bridge--tls-key = --tls-cert 的私鑰（PEM）
# *Design.* `twnhi bridge`: argument `sim`.
cli-help-bridge--sim = 使用插有展示卡片的模擬讀卡機，而非 PC/SC（不需硬體）
# *Design.* `twnhi bridge`: argument `sim-identity`.
cli-help-bridge--sim-identity = 模擬卡片的身分檔（JSON，與 `twnhi card sim` 相同）；隱含 --sim
# *Design.* `twnhi bridge`: argument `pkcs11-module`.
cli-help-bridge--pkcs11-module = 憑證卡的 PKCS#11 模組（預設：本系統上 HiCOS 模組的常見路徑：HiCOSPKCS11.dll、libHicos_p11v1.dylib 或 libHicos_p11v1.so）。找不到模組時，憑證卡要求回覆「找不到模組」（7501），健保卡要求照常運作
# *Design.* `twnhi bridge`: argument `config`.
cli-help-bridge--config = 設定檔（TOML）［預設：~/.config/twnhi/bridge.toml，若存在］
# *Design.* `twnhi bridge`: argument `print-config`.
cli-help-bridge--print-config = 以 TOML 輸出實際生效的設定（合併參數、環境變數、設定檔與預設值）後結束
# *Design.* `twnhi bridge cert`.
cli-help-bridge-cert = 寫入 wss:// / https:// 用的本機 CA 與 localhost 憑證
    .label = 本機憑證
    .long =
        寫入 wss:// / https:// 用的本機 CA 與 localhost 憑證

        建立（一次）只能簽發 localhost、127.0.0.0/8、::1 與以 --name 指定之名稱的憑證機構，
        並以它簽發伺服器憑證。再次執行即可更新伺服器憑證：CA 保持不變，瀏覽器因此繼續信任它。
        會說明如何讓 Chromium、Firefox 與系統信任此 CA。

        範例：
          twnhi bridge cert
          twnhi bridge cert --name iccert.nhi.gov.tw   # 為官方元件撰寫的網頁
# *Design.* `twnhi bridge cert`: argument `out`.
cli-help-bridge-cert--out = 寫入 ca.pem、ca-key.pem、localhost.pem、localhost-key.pem 的目錄［預設：~/.config/twnhi/bridge-tls］
# *Design.* `twnhi bridge cert`: argument `names`.
cli-help-bridge-cert--names = 憑證的額外 DNS 名稱（可重複），例如 iccert.nhi.gov.tw
# *Design.* `twnhi bridge cert`: argument `new-ca`.
cli-help-bridge-cert--new-ca = 即使 DIR 已有 CA 也建立新的 CA（瀏覽器之後必須信任新的 CA）

## twnhi id

# *Design.* `twnhi id`.
cli-help-id = 身分證號：檢查格式、檢查碼、類別與性別
    .label = 身分證號
# *Design.* `twnhi id check`.
cli-help-id-check = 檢查身分證號（國民身分證、新式與舊式居留證）；全部有效時結束代碼為 0
# *Design.* `twnhi id check`: argument `ids`.
cli-help-id-check--ids = 要檢查的號碼：國民身分證統一編號或居留證統一證號（新式或舊式）
# *Design.* `twnhi id check`: argument `json`.
cli-help-id-check--json = 每行輸出一個 JSON 物件，而非文字

## twnhi password

# *Design.* `twnhi password`.
cli-help-password = 註冊密碼：依密碼規則檢查
    .label = 註冊密碼
# *Design.* `twnhi password check`.
cli-help-password-check = 檢查由 stdin 讀入的一個密碼：強度與違反的每條規則
# *Design.* `twnhi password check`: argument `json`.
cli-help-password-check--json = 輸出一個 JSON 物件，而非文字
# *Design.* `twnhi password check`: argument `id`.
cli-help-password-check--id = 此人的身分證號：密碼不得包含它
# *Design.* `twnhi password check`: argument `card-no`.
cli-help-password-check--card-no = 此人的健保卡號（12 碼）：密碼不得包含它
# *Design.* `twnhi password check`: argument `birth`.
cli-help-password-check--birth = 此人的出生日期（YYYY-MM-DD、YYYY/MM/DD、民國 YYYMMDD 或 民國Y年M月D日）：密碼不得包含它

## twnhi mail

# *Design.* `twnhi mail`.
cli-help-mail = 通知信：預覽每種信件、透過 SMTP 寄出測試信
    .label = 通知信
# *Design.* `twnhi mail render`.
cli-help-mail-render = 以範例資料寫出信件（或 `all`）的 `.eml` 預覽
# *Design.* `twnhi mail render`: argument `letter`.
cli-help-mail-render--letter = 要預覽的信件：confirmation、completion、password-reset、cancellation、deleted、email-change、email-changed、password-changed 或 `all`
    .label = 信件
# *Design.* `twnhi mail render`: argument `lang`.
cli-help-mail-render--lang = 只輸出此語言（`zh-TW` 或 `en`）。未指定時預覽為雙語，中文在前，與寄出的信件完全相同
    .label = 只輸出一種語言
# *Design.* `twnhi mail render`: argument `out`.
cli-help-mail-render--out = `.eml` 檔的目錄（不存在時建立）
    .label = 輸出目錄
# *Design.* `twnhi mail send-test`.
cli-help-mail-send-test = 以範例資料透過 SMTP 伺服器寄出一封信
# *Design.* `twnhi mail send-test`: argument `smtp`.
cli-help-mail-send-test--smtp = SMTP 伺服器：`smtp://host[:port]`（STARTTLS，必要）、`smtps://host[:port]`（隱含 TLS）、`smtp://127.0.0.1:2525?tls=none`（明文，僅限本機迴路）；`user:password@` 用於 AUTH；`?timeout=SECONDS`。建議使用環境變數，以免密碼出現在程序列表中
    .label = SMTP 伺服器
# *Design.* `twnhi mail send-test`: argument `to`.
cli-help-mail-send-test--to = 收件人
    .label = 收件人
# *Design.* `twnhi mail send-test`: argument `letter`.
cli-help-mail-send-test--letter = 要寄出的信件（範例資料）
    .label = 信件
# *Design.* `twnhi mail send-test`: argument `from`.
cli-help-mail-send-test--from = 寄件地址（顯示為「衛生福利部中央健康保險署」）
    .label = 寄件地址
# *Design.* `twnhi mail send-test`: argument `ca-cert`.
cli-help-mail-send-test--ca-cert = 額外信任的根憑證（PEM），用於使用私有 CA 的轉寄伺服器
    .label = 額外信任的根憑證

## twnhi qr

# *Design.* `twnhi qr`.
cli-help-qr = 在終端機中繪製 QR 碼，或寫成 PNG 或 SVG
    .label = QR 碼
# *Design.* `twnhi qr`: argument `text`.
cli-help-qr--text = 要編碼的文字（例如裝置驗證碼）
    .label = 內容
# *Design.* `twnhi qr`: argument `png`.
cli-help-qr--png = 將 PNG 圖檔寫入 FILE，而非在終端機中繪製
    .label = 輸出 PNG
# *Design.* `twnhi qr`: argument `svg`.
cli-help-qr--svg = 將 SVG 圖檔寫入 FILE，而非在終端機中繪製
    .label = 輸出 SVG
# *Design.* `twnhi qr`: argument `light`.
cli-help-qr--light = 為淺色背景的終端機繪製（預設：深色背景）
    .label = 淺色終端機
# *Design.* `twnhi qr`: argument `scale`.
cli-help-qr--scale = PNG 每個模組的像素數
    .label = PNG 每格像素

## twnhi admin

# *Design.* `twnhi admin`.
cli-help-admin = 健保資料與櫃台作業：匯入、示範資料、停用、恢復、查詢
    .label = 管理
# *Design.* `twnhi admin registry`.
cli-help-admin-registry = 健保資料：匯入 CSV 檔、產生示範人物
    .label = 健保資料
# *Design.* `twnhi admin registry import`.
cli-help-admin-registry-import = 由 CSV 檔匯入被保險人（標題列：card_number、id_number、name、birth_date、sex、card_status、household_id、county、township、village、neighborhood）。檔案以串流逐列讀取，不整個載入記憶體：先檢查每一列，全部正確才會寫入；再分批寫入
    .label = 匯入
# *Design.* `twnhi admin registry import`: argument `file`.
cli-help-admin-registry-import--file = CSV 檔（UTF-8）
# *Design.* `twnhi admin registry import`: argument `batch`.
cli-help-admin-registry-import--batch = 每個交易寫入的筆數。寫入途中（資料庫）失敗時，先前的批次已寫入；再次匯入同一檔案是安全的，並會完成匯入（已寫入的列以相同的值再寫一次）
# *Design.* `twnhi admin …`: argument `db`.
cli-help-admin--db = 資料庫：`postgres://user@host/db`（PostgreSQL）、`sqlite://path/file.sqlite3` 或檔案路徑（SQLite）。預設：資料目錄中的 twnhi.sqlite3
    .label = 資料庫
# *Design.* `twnhi admin registry demo`.
cli-help-admin-registry-demo = 寫出合成的被保險人（registry.csv）與每人一個模擬卡片身分檔（cards/*.json），卡片金鑰由 SAM 主金鑰衍生
    .label = 示範資料
# *Design.* `twnhi admin registry demo`: argument `count`.
cli-help-admin-registry-demo--count = 人數（含卡片檔時最多 100,000 人，加上 `--no-cards` 時最多 10,000,000 人）
    .label = 人數
# *Design.* `twnhi admin registry demo`: argument `out`.
cli-help-admin-registry-demo--out = 輸出目錄（不存在時建立）
# *Design.* `twnhi admin registry demo`: argument `no-cards`.
cli-help-admin-registry-demo--no-cards = 僅產生 registry.csv，不產生卡片檔（供匯入效能測試的大型名冊）
    .label = 輸出目錄
# *Design.* `twnhi admin registry demo`: argument `sam-key`.
cli-help-admin-registry-demo--sam-key = SAM 主金鑰檔（不存在時建立，權限 0600）。預設：資料目錄中的 sam-master.key
    .label = SAM 主金鑰檔
# *Design.* `twnhi admin suspend`.
cli-help-admin-suspend = 於櫃台停用註冊：不能再登入，工作階段與 App 權杖隨即失效
    .label = 停用
# *Design.* `twnhi admin …`: argument `id`.
cli-help-admin--id = 身分證號（居留證號）
    .label = 身分證號(居留證號)
# *Design.* `twnhi admin …`: argument `operator`.
cli-help-admin--operator = 承辦人（記錄於稽核紀錄）
    .label = 承辦人
# *Design.* `twnhi admin reinstate`.
cli-help-admin-reinstate = 於櫃台恢復已停用的註冊
    .label = 恢復
# *Design.* `twnhi admin show`.
cli-help-admin-show = 查詢一個人的註冊：狀態、遮蔽的聯絡方式、裝置、信件與稽核紀錄（不含機密）
    .label = 查詢
# *Design.* `twnhi admin outbox`.
cli-help-admin-outbox = 郵件佇列：列出信件、重送已放棄的信件
    .label = 郵件佇列
# *Design.* `twnhi admin outbox list`.
cli-help-admin-outbox-list = 列出最新的信件（不含內容：類別、狀態、嘗試次數、最後的錯誤）
    .label = 列出
    .long =
        列出最新的信件（不含內容：類別、狀態、嘗試次數、最後的錯誤）。

        範例：`twnhi admin outbox list --status failed`
# *Design.* `twnhi admin outbox list`: argument `status`.
cli-help-admin-outbox-list--status = 只列出此狀態的信件：pending、sent 或 failed
    .label = 狀態
# *Design.* `twnhi admin outbox list`: argument `limit`.
cli-help-admin-outbox-list--limit = 筆數，由新到舊
    .label = 筆數
# *Design.* `twnhi admin outbox retry`.
cli-help-admin-outbox-retry = 將已放棄的信件放回佇列，嘗試次數由零起算（執行中的 `twnhi serve` 會在數秒內寄出）。放棄超過一週的信件內容已清除，無法再寄出
    .label = 重送
    .long =
        將已放棄的信件放回佇列，嘗試次數由零起算（執行中的 `twnhi serve` 會在數秒內寄出）。放棄超過一週的信件內容已清除，無法再寄出。

        範例：`twnhi admin outbox retry --all`、`twnhi admin outbox retry 3f9c…`
# *Design.* `twnhi admin outbox retry`: argument `id`.
cli-help-admin-outbox-retry--id = 信件（`list` 列出的識別碼）
# *Design.* `twnhi admin outbox retry`: argument `all`.
cli-help-admin-outbox-retry--all = 每一封已放棄的信件
# *Design.* `twnhi admin outbox test`.
cli-help-admin-outbox-test = 經由郵件佇列寄送測試信件（以範例姓名的註冊完成通知信）至指定信箱，以確認執行中網站的寄信程序正常。需要網站的伺服器金鑰檔（信件以其密封）
# *Design.* `twnhi admin outbox test`: argument `to`.
cli-help-admin-outbox-test--to = 收件人（管理者自己的信箱）
# *Design.* `twnhi admin outbox test`: argument `count`.
cli-help-admin-outbox-test--count = 信件封數
# *Design.* `twnhi admin outbox test`: argument `server-key-file`.
cli-help-admin-outbox-test--server-key-file = 網站的伺服器金鑰檔（不會自動建立，必須已存在）
# *Design.* `twnhi admin db`.
cli-help-admin-db = 資料庫本身：將結構更新至本程式的版本
# *Design.* `twnhi admin db migrate`.
cli-help-admin-db-migrate = 套用本程式尚未套用的資料庫結構更新（PostgreSQL：啟動或升級各個 `twnhi serve` 之前執行一次；它們除非加上 `--migrate` 否則不會更新結構）。可重複執行：結構已是最新時不做任何變更
# *Design.* `twnhi admin db copy`.
cli-help-admin-db-copy = 將部署的 SQLite 檔案逐表複製到新的 PostgreSQL 資料庫（新資料庫會先更新結構；非空者拒絕），並以筆數驗證。請先停止 `twnhi serve`：來源以單一快照讀取
# *Design.* `twnhi admin db copy`: argument `from`.
cli-help-admin-db-copy--from = 來源：`sqlite://path/file.sqlite3` 或檔案路徑
# *Design.* `twnhi admin db copy`: argument `to`.
cli-help-admin-db-copy--to = 目的：`postgres://user@host/db`

## twnhi cert verify

# *Design.* `twnhi cert`.
cli-help-cert = 自然人憑證
    .label = 自然人憑證
# *Design.* `twnhi cert verify`.
cli-help-cert-verify = 驗證憑證：信任的根憑證、有效期間、金鑰用途與廢止狀態
    .label = 驗證憑證
    .long =
        驗證憑證：信任的根憑證、有效期間、金鑰用途與廢止狀態

        建立由憑證經中繼憑證到信任根憑證（--trust）的憑證鏈，檢查每張憑證的簽章與有效期間、擴充金鑰用途（若有，須含 clientAuth）與金鑰用途（須含 digitalSignature）；指定 --crl 時比對憑證廢止清冊，未涵蓋其簽發者或已逾下次更新時間者一律拒絕。

        結束代碼：0 憑證有效（摘要輸出至 stdout） · 1 憑證無效（原因與錯誤碼輸出至 stderr） · 2 輸入錯誤（檔案無法讀取、不是 PEM/DER、時間格式錯誤）。

        範例：
          twnhi cert verify --trust moica-root.pem --intermediate moica.pem --crl moica.crl citizen.pem
          twnhi cert verify --trust root.pem --at 2025-01-31T12:00:00+08:00 citizen.pem
# *Design.* `twnhi cert verify`: argument `trust`.
cli-help-cert-verify--trust = 信任的根憑證（PEM，一個檔案可含多張；可重複指定）
# *Design.* `twnhi cert verify`: argument `intermediate`.
cli-help-cert-verify--intermediate = 中繼憑證（PEM；可重複指定）
# *Design.* `twnhi cert verify`: argument `crl`.
cli-help-cert-verify--crl = 憑證廢止清冊：檔案（PEM 或 DER）或 http:// 網址（可重複指定）
# *Design.* `twnhi cert verify`: argument `ocsp`.
cli-help-cert-verify--ocsp = 以 OCSP 查詢憑證狀態：查詢服務的 http:// 網址，或 `aia` 表示使用憑證中記載的查詢服務
# *Design.* `twnhi cert verify`: argument `at`.
cli-help-cert-verify--at = 以此時間驗證，而非現在（RFC 3339）
# *Design.* `twnhi cert verify`: argument `json`.
cli-help-cert-verify--json = 以 JSON 輸出
# *Design.* `twnhi cert verify`: argument `cert`.
cli-help-cert-verify--cert = 要驗證的憑證（PEM 或 DER；檔案中其後的憑證視為中繼憑證）

## twnhi cert list / sign

# *Design.* `twnhi cert list` and `twnhi cert sign`: argument `module`.
cli-help-cert--module = 憑證卡的 PKCS#11 模組（預設：本系統上 HiCOS 模組的常見路徑：HiCOSPKCS11.dll、libHicos_p11v1.dylib 或 libHicos_p11v1.so）
# *Design.* `twnhi cert list`.
cli-help-cert-list = 列出憑證卡（PKCS#11 token）及其憑證
    .label = 列出憑證
    .long =
        列出憑證卡（PKCS#11 token）及其憑證

        每張卡一行（slot、標籤、製造商、序號、PIN 狀態），其下每張憑證縮排一行：序號、金鑰、有效期間、主體、發證者。不需要 PIN。

        結束代碼：0 已列出 · 3 找不到模組或憑證卡 · 4 卡片回報錯誤。

        範例：
          twnhi cert list
          twnhi cert list --module /usr/lib/softhsm/libsofthsm2.so --json
# *Design.* `twnhi cert list`: argument `json`.
cli-help-cert-list--json = 以 JSON 輸出（欄位 module、tokens、certificates）
# *Design.* `twnhi cert sign`.
cli-help-cert-sign = 以卡片上憑證的私密金鑰簽章；PIN 由 stdin 讀取
    .label = 簽章
    .long =
        以卡片上憑證的私密金鑰簽章；PIN 由 stdin 讀取

        PIN 為 stdin 的一行（在終端機上詢問時不回顯），絕不作為參數。簽章以 base64 輸出：RSA PKCS#1 v1.5 或 PSS（SHA-256），或 ECDSA P-256（SHA-256，DER 編碼）。

        結束代碼：0 已簽章 · 2 輸入錯誤 · 3 找不到模組或憑證卡 · 4 PIN 錯誤、PIN 已鎖、無此憑證或金鑰、不支援的簽章方式。

        範例：
          twnhi cert sign --cert 1A2B3C4D --data-hex 00112233
          printf '%s\n' "$PIN" | twnhi cert sign --cert 1A2B3C4D --data-hex 00112233 --scheme pss-sha256
# *Design.* `twnhi cert sign`: argument `cert`.
cli-help-cert-sign--cert = 憑證序號（十六進位，與 `twnhi cert list` 所列相同；可含冒號）
# *Design.* `twnhi cert sign`: argument `data_hex`.
cli-help-cert-sign--data-hex = 要簽章的資料（十六進位，伺服器的挑戰值）
# *Design.* `twnhi cert sign`: argument `scheme`.
cli-help-cert-sign--scheme = 簽章方式：pkcs1-sha256、pss-sha256 或 ecdsa-p256-sha256
