# The NHI card stack (twnhi-card, twnhi-pcsc, twnhi-sim): the texts of `CardError`, of
# `BasicDataError` and of the card's fields. `CardError`'s `Display` shows zh-TW / English
# followed by the legacy component's error code, e.g. `未插入健保卡 / no card inserted [7004]`.

## What was being done (`Operation`), used in `card-error-status` and `card-error-malformed`

# *Design.* SELECT of the NHI application.
card-operation-select = 選取健保卡應用程式
# *Design.* GET DATA P1 `11`.
card-operation-read-basic = 讀取基本資料
# *Design.* GET DATA P1 `00`.
card-operation-read-card-id = 讀取卡片識別碼
# *Design.* GET DATA P1 `24`.
card-operation-read-card-data = 讀取卡片資料
# *Design.* GET CHALLENGE.
card-operation-get-challenge = 取得卡片亂數
# *Design.* The `00 82` card-authentication command.
card-operation-authenticate = 健保卡認證

## The reader stack and the card's presence (`TransportError`)

# *Design.* 7001: the PC/SC service is not running.
card-error-service-unavailable = PC/SC 服務未啟動，請確認讀卡機服務已執行
# *Design.* 7002: no reader.
card-error-no-reader = 找不到讀卡機，請確認讀卡機已連接
# *Design.* 7003: the reader cannot be used.
card-error-reader-unavailable = 無法存取讀卡機
# *Design.* 7004: no card in the reader.
card-error-no-card = 未插入健保卡
# *Design.* 8002: the card was pulled out during a read.
card-error-card-removed = 讀卡過程中健保卡被移除
# *Design.* 8001: another application reset the card.
card-error-card-reset = 健保卡被其他程式重置
# *Design.* 8013: another application holds the card exclusively.
card-error-sharing-violation = 健保卡正由其他程式使用中
# *Design.* 8001: the card does not answer.
card-error-unresponsive = 健保卡沒有回應
# *Design.* 8001: any other failure of the reader stack.
card-error-transport-other = 讀卡失敗

## The card's answers

# *Design.* 8013: SELECT failed, the card has no NHI application.
card-error-not-nhi-card = 此卡片不是健保卡
# *Design.* A status word other than success.
# $operation: what was being done (a `card-operation-*` text)
# $status: the status word in hexadecimal, 6982
card-error-status = { $operation }失敗（狀態 { $status }）
# *Design.* 8006: the card refused the authentication data.
card-error-authentication-refused = 健保卡認證失敗，卡片拒絕驗證資料
# *Design.* 8011: the basic data is malformed.
# $reason: why (a `card-basic-*` text)
card-error-basic-data = 基本資料讀取失敗（{ $reason }）
# *Design.* A response of the wrong length or shape.
# $operation: what was being done (a `card-operation-*` text)
card-error-malformed = { $operation }回應格式錯誤

## The basic data (`BasicDataError`); the texts never include the card's contents

# *Design.* Not 57 bytes.
# $len: the number of bytes received (number)
card-basic-wrong-length = 基本資料長度錯誤（{ $len } 位元組，應為 57）
# *Design.* The card number is not 12 digits.
card-basic-card-number = 卡號格式錯誤
# *Design.* The ID number is malformed.
card-basic-id-number = 身分證號格式錯誤
# *Design.* The birth date is not a possible date.
card-basic-birth-date = 出生日期錯誤
# *Design.* The issue date is not a possible date.
card-basic-issue-date = 發卡日期錯誤
# *Design.* The sex byte is neither M nor F.
card-basic-sex = 性別欄位錯誤

## The card's fields

# *Design.* Sex `M` (`Sex::text`).
card-sex-male = 男
# *Design.* Sex `F` (`Sex::text`).
card-sex-female = 女

## The PC/SC library (twnhi-pcsc)

# *Design.* The PC/SC library could not be loaded (shown with the English text and the
# libraries tried).
# $tried: each library tried with why it failed, joined by "; "
pcsc-load-error = 無法載入 PC/SC 程式庫（讀取實體卡片需要 libpcsclite1 與 pcscd）
# *Design.* A PC/SC call when the library is not available.
pcsc-library-unavailable = 無法載入 PC/SC 程式庫，請安裝 libpcsclite1

## The simulated card (twnhi-sim)

# *Design.* An unknown fault mode of the simulated card (the English text lists the modes).
# $mode: the mode given
sim-unknown-mode = 無法辨識的模擬卡模式「{ $mode }」
# *Design.* The identity file is not valid JSON or misses fields.
# $reason: the JSON parser's error
sim-identity-json = 身分檔格式錯誤
# *Design.* A field of the identity does not fit the card layout.
# $reason: which field and why, in English
sim-identity-layout = 身分資料不符卡片格式：{ $reason }
