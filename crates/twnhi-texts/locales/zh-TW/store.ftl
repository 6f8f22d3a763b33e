# The storage ports (twnhi-store): errors and the registry import's row messages.

# *Design.* Another change came first.
store-conflict = 資料已被變更，請重新操作
# *Design.* The database cannot be opened.
store-open = 無法開啟資料庫
# *Design.* Migrations failed.
store-migrate = 資料庫結構更新失敗
# *Design.* Connecting without migrating found an older schema.
# $pending: migrations not applied yet (number)
store-schema-not-current = 資料庫結構不是最新版本（{ $pending } 項更新尚未套用，或資料庫版本較本程式新），請先執行 `twnhi admin db migrate`（或 `twnhi serve --migrate`）
# *Design.* Any other database error.
store-database = 資料庫錯誤
# *Design.* A stored value cannot be read (followed by where).
store-corrupt = 資料庫內容錯誤
# *Design.* The database's disk is nearly full.
store-disk-full = 資料庫磁碟空間不足
# *Design.* The registry import was refused.
store-import = 健保資料匯入失敗
# *Design.* An identifier that is not one.
store-bad-identifier = 識別碼格式錯誤
# *Design.* An audit action name not known to this version.
store-unknown-audit-action = 未知的稽核動作
# *Design.* An audit outcome name not known to this version.
store-unknown-audit-outcome = 未知的稽核結果
# *Design.* A letter kind not known to this version.
store-unknown-letter-kind = 未知的信件種類
# *Design.* A line of the registry file (label).
# $line: the line number (number)
store-line = 第 { $line } 行
# *Design.* The registry file has errors.
# $count: how many (number)
store-import-errors = 健保資料檔有 { $count } 個錯誤，未匯入任何資料
# *Design.* A row has the wrong number of columns.
# $expected: the number of columns wanted (number)
# $found: the number found (number)
store-columns = 欄位數應為 { $expected }，實際為 { $found }
# *Design.* The name column.
store-name = 姓名須為1至20個字且不含控制字元
# *Design.* The birth date column.
store-birth-date = 出生日期格式錯誤(YYYY-MM-DD 或民國 YYYMMDD)
# *Design.* The sex column.
store-sex = 性別須為 M 或 F
# *Design.* The sex column against the ID number.
store-sex-mismatch = 性別與身分證號第2碼不符
# *Design.* The card status column.
store-card-status = 卡片狀態須為 valid 或 revoked
# *Design.* The header line (followed by the header).
store-header = 第一行須為欄位名稱
# *Design.* A card number seen before.
# $first: the line where it was first seen (number)
store-card-repeated = 卡號與第 { $first } 行重複
# *Design.* A second valid card for one person.
# $first: the line of the first valid card (number)
store-two-valid-cards = 此人在第 { $first } 行已有有效卡片
# *Design.* A quoted field without its closing quote.
store-unterminated-quote = 引號未結束
