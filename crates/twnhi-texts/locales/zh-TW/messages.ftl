# The catalog of twnhi: messages of the registration site (SPEC §4), keyed by
# `twnhi_account::messages::Msg` (the id is the variant name in kebab-case).
# Every id must exist in every language (tests/texts.rs checks it).


## every page

# *Manual.* Service hours notice shown on every page, and the refusal outside them.
service-hours = ※本系統服務時間每日 06:00-24:00
# *Manual.* Environment check: the server answered.
server-connection-ok = 伺服器連線正常
# *Manual.* Environment check: the server did not answer.
server-connection-failed = 伺服器連線 失敗
# *Manual.* Reading the card (every form that starts with 【讀取】).
read-card-prompt = 請晶片讀卡機插入健保卡後，按『讀取』驗證健保卡。
# *Manual.* Instruction 1 of the resend and forgot-password pages.
environment-setup-instruction = 如您的電腦尚未進行健保卡註冊系統環境設定及安裝元件，請先至健保卡網路服務註冊頁面執行。
# *Manual.* Instruction 2 of the resend and forgot-password pages.
connect-reader-instruction = 電腦連結晶片讀卡機及健保卡。

## 4.1 apply

# *Manual.* The button that accepts the terms (全民健康保險網路服務註冊管理作業要點).
terms-accepted = 我已閱讀完畢，並瞭解相關規定
# *Manual.* Help text of the household ID number (戶號) field.
household-id-hint = 請參考戶口名簿封面左上角的號碼(圖示)
# *Manual.* Why the household ID number is asked.
household-id-required = 為避免健保卡遭他人冒用，保障您的個人資料安全，請務必輸入
# *Manual.* Prompt of the first apply step.
apply-next-prompt = 請插入健保卡並輸入戶號及戶籍鄉鎮里鄰後按【下一步】
# *Manual.* Password length rule (every form that sets a password).
password-length = 註冊密碼長度必須6-12碼。
# *Manual.* What a strong password is (apply page).
strong-password-hint = 強式密碼由英文大寫、英文小寫、數字、特殊符號(-!@#$%^&*)混合並且長度8碼以上，特殊符號不可為(空白)、(大於>)、(小於<)符號。
# *Manual.* Strength meter level 1.
strength-weak = 弱
# *Manual.* Strength meter level 2.
strength-medium = 中
# *Manual.* Strength meter level 3.
strength-medium-strong = 中強
# *Manual.* Strength meter level 4.
strength-strong = 強
# *Manual.* Note of the mobile phone field.
mobile-phone-note = 本項行動電話將作為未來行動裝置之認證使用，請務必輸入。
# *Manual.* Warning (not a refusal) for Microsoft mail domains.
microsoft-mail-warning = 因與微軟郵件伺服器連線異常，建議不要填寫微軟e-mail信箱(如hotmail, livemail...)，以免無法收到本署寄發的信件。
# *Manual (zh); design (en).* Application accepted.
apply-success = 您已完成申請並將在數分鐘後收到 E-Mail 確認信，請開啟確信中的連結啟用帳號，謝謝!
# *Manual (zh); design (en).* E-mail address verified (4.1 step 5).
email-verified = 您已完成電子郵件信箱認證，歡迎開始使用本系統！

## 4.2 log in

# *Manual.* Login prompt.
login-prompt = 請插入健保卡後，輸入註冊密碼再按【登入】鈕
# *Manual.* Browser supports the NHI card (environment status of the login page).
supports-nhi-card = 支援使用健保卡
# *Spec.* Suspension is done at a counter.
suspension-note = 如需申請健保卡註冊停用，請持身分證及證明文件臨櫃辦理

## 4.3 device verification

# *Manual.* Device verification note 1.
device-code-note-produce = 進行裝置認證需先點選『產生裝置認證碼』按鈕，系統將產生QR-Code及裝置認證碼兩種形式之裝置認證碼。
# *Manual.* Device verification note 2.
device-code-note-camera = 行動裝置具照相機功能，建議使用健保署『健保快易通』行動服務之APP以讀取QR-Code方式進行裝置認證。
# *Manual.* Device verification note 3.
device-code-note-no-camera = 行動裝置不具照相機功能，建議使用健保署『健保快易通』行動服務之APP可將頁面之裝置認證碼明碼輸入手機裝置認證。
# *Manual.* Heading of the two ways of verification.
device-code-methods = 裝置認證方式有以下兩種：
# *Manual.* Way 1: scan the QR code.
device-code-method-qr = 請使用手機讀取QR-Code中之裝置認證碼：
# *Manual.* Way 2: type the code.
device-code-method-type = 將裝置認證碼輸入手機進行認證：

## 4.4 device management

# *Manual.* Device status: active.
device-status-active = 啟用中
# *Manual.* Device status: disabled.
device-status-disabled = 停用
# *Design.* Device status: deleted (never listed; for logs and the app API).
device-status-deleted = 已刪除
# *Manual.* Device action: disable.
device-action-disable = 停用裝置
# *Manual.* Device action: enable.
device-action-enable = 啟用裝置
# *Manual.* Device action: delete.
device-action-delete = 刪除裝置
# *Manual.* Device management note 1.
device-note-reverify = 若更換行動裝置或重新安裝APP時，請重新執行【行動裝置認證】。
# *Manual.* Device management note 2.
device-note-many = 同一個帳號可啟動多組行動裝置；多個帳號可在同一台裝置認證。
# *Manual.* Device management note 3.
device-note-active-only = 請使用已通過裝置認證且狀態為「已啟用」之行動裝置登入「健保快易通」行動服務之APP。若您使用其它行動裝置登入請點選上方【啟用裝置】按鈕。若尚未認證請至【行動裝置認證】產生QRCode後進行認證。

## 4.5 / 4.6 change password, change data

# *Manual.* Password changed (4.5).
password-changed = 註冊密碼變更成功，下次使用健保卡登入系統請使用新的註冊密碼!
# *Manual.* The registration password is also the app's password (4.5 page note).
app-password-note = 若您已認證行動裝置，此密碼會同步變更『健保快易通』登入註冊密碼。
# *Manual (zh); design (en).* Basic data saved (4.6).
data-saved = 資料儲存成功
# *Design.* Data saved; the new main e-mail address waits for its confirmation letter.
email-change-sent = 資料儲存成功。確認信已寄至新的電子郵件信箱，請點選信中連結，新的電子郵件信箱才會生效；在此之前，本署寄發的信件仍寄至原電子郵件信箱。
# *Design.* The page of the confirmation letter's link to a new main address.
email-change-prompt = 請按【確定】，將註冊的電子郵件信箱變更為本信箱。
# *Design.* The new main e-mail address confirmed and in use.
email-change-confirmed = 電子郵件信箱變更成功，之後本署寄發的信件將寄至新的電子郵件信箱。

## 4.7 cancel

# *Manual.* Notice of the cancellation request page.
cancel-notice = 按下送出刪除註冊後，請務必至註冊電子郵件信箱收取確認信並完成後續作業，刪除健保卡網服務註冊申請始完成，感謝您的支持與配合。(若您已安裝【全民健保行動快易通】，完成確認刪除註冊後將無法再使用健康存摺及承保e櫃檯功能。)
# *Manual.* Notice of the cancellation confirmation page.
cancel-app-notice = 若您已安裝【全民健保行動快易通】，完成確認刪除註冊後將無法再使用健康存摺及承保e櫃檯功能。
# *Manual.* Where the card number is printed.
card-number-hint = 健保卡正面左下角12碼數字
# *Manual.* The cancellation e-mail code is case-sensitive.
email-code-hint = 請輸入刪除註冊確認信通知驗證碼，大小寫需相符
# *Manual (zh); design (en).* Cancellation requested (4.7 step 2).
cancel-requested = 您已申請成功，請至【註冊電子郵件信箱】收取刪除註冊確認信
# *Design.* A cancellation confirmed with a code sent to a new e-mail address: it takes
# effect after the waiting period; the registered address was told and can stop it.
cancel-scheduled = 刪除註冊申請已確認。因刪除註冊確認信寄至新的電子郵件信箱，為保護您的帳號，刪除將於等待期間結束後生效，並已通知原註冊電子郵件信箱。
# *Design.* The registered address stopped a cancellation.
cancel-stopped = 已停止刪除註冊作業，您的健保卡網路服務註冊維持有效。若您並未申請刪除註冊，建議您儘速變更註冊密碼。
# *Design.* The page of the stop link.
cancel-stop-prompt = 有人以新的電子郵件信箱申請刪除您的健保卡網路服務註冊。若非您本人申請，請按【停止刪除註冊】，您的註冊將維持有效。
# *Design.* The button of the stop link's page.
cancel-stop-button = 停止刪除註冊
# *Design.* Subject of the notice to the registered address.
letter-subject-cancellation-notice = 衛生福利部中央健康保險署-健保卡網路服務註冊-刪除註冊申請通知
# *Design.* Link text of the notice's stop link.
letter-link-cancellation-stop = 停止刪除註冊
# *Manual (zh); design (en).* Cancellation confirmed (4.7 step 4).
cancel-confirmed = 刪除註冊成功，之後若您想再使用本系統，請重新申請

## 4.8 / 4.9 resend, forgot password

# *Manual (zh); design (en).* Confirmation or reset letter requested (4.8, 4.9).
letter-requested = 您已申請成功，請至電子郵件信箱收取確認信
# *Manual.* Password reset done (4.9).
password-reset-done = 註冊密碼變更成功，下次使用【健保卡】登入系統請用新的註冊密碼！
# *Manual.* Resetting also changes the app's password (4.9 notice).
reset-app-notice = 若您已安裝【全民健保行動快易通】及申請【健保卡網路服務】，系統將會一併變更登入註冊密碼。

## 4.11 letters

# *Manual.* Sender of every letter.
letter-sender = 衛生福利部中央健康保險署
# *Manual.* Subject of the confirmation letter (認證通知).
letter-subject-confirmation = 衛生福利部中央健康保險署-健保卡網路服務註冊-認證通知
# *Manual.* Link text of the confirmation letter.
letter-link-confirmation = 進入電子信箱認證畫面
# *Design.* Link text of the letter confirming a new main e-mail address.
letter-link-email-change = 確認變更電子郵件信箱
# *Design (after the manual).* Subject of the completion letter (註冊完成).
letter-subject-completion = 衛生福利部中央健康保險署-健保卡網路服務註冊-註冊完成通知
# *Design (after the manual).* Subject of the password reset letter.
letter-subject-reset = 衛生福利部中央健康保險署-健保卡網路服務註冊-重設註冊密碼
# *Manual.* Link text of the password reset letter.
letter-link-reset = 健保卡網路服務註冊-重設註冊密碼
# *Design (after the manual).* Subject of the cancellation confirmation letter.
letter-subject-cancellation = 衛生福利部中央健康保險署-健保卡網路服務註冊-刪除註冊確認信
# *Manual.* Link text of the cancellation confirmation letter.
letter-link-cancellation = 健保卡網路服務註冊刪除作業
# *Manual.* Subject of the deletion notice.
letter-subject-deleted = 衛生福利部中央健康保險署-健保卡網路服務註冊-刪除通知
# *Manual.* Hotline sentence of the letters.
# $toll-free: the hotline's toll-free number (manual: 0800-030-598)
# $local-number: the hotline's number without area code (manual: 4128-678)
# $mobile-number: the hotline's number from a mobile phone (manual: 02-4128-678)
letter-hotline = 若您在使用上有任何疑問，歡迎您電洽本署健保服務專線：市話撥打 { $toll-free } 或 { $local-number }(不須加區碼)手機撥打 { $mobile-number }。
# *Manual.* Footer of every letter.
letter-automatic = 注意：本信件為系統自動寄發，請勿直接回覆

## refusals of the flows (design)

# *Design.* The one generic refusal when card/household data do not match the registry
# (4.1 step 2: do not say which field).
registry-mismatch = 您輸入的資料與本署留存資料不符，請確認後重新輸入。
# *Design.* Wrong card or password at login (one answer for both).
login-failed = 健保卡或註冊密碼錯誤，請重新輸入。
# *Design.* The card could not be authenticated (SPEC §3).
card-not-verified = 健保卡驗證失敗，請確認插入的是您本人的健保卡後重新讀取。
# *Design.* The card authentication nonce has expired.
card-auth-expired = 健保卡驗證逾時，請重新讀取健保卡。
# *Design.* The registration's e-mail address is not verified yet.
email-not-verified = 您尚未完成電子郵件信箱認證，請開啟確認信中的連結，或使用【重寄認證信】。
# *Design.* The registration is suspended (done at a counter).
registration-suspended = 您的健保卡網路服務註冊已停用，如需恢復請持身分證及證明文件臨櫃辦理。
# *Design.* The registration has been cancelled.
registration-cancelled = 您的健保卡網路服務註冊已刪除，若您想再使用本系統，請重新申請。
# *Design.* A registration already exists for this person.
already-registered = 您已申請健保卡網路服務註冊，請直接登入。
# *Design.* The flow is not available in the registration's current state.
operation-not-allowed = 目前的註冊狀態無法執行此作業。
# *Design.* A cancellation is not pending.
no-cancellation-pending = 您尚未申請刪除註冊，或刪除註冊申請已失效，請重新申請。
# *Design.* Too many attempts (login throttling, code entry).
too-many-attempts = 嘗試次數過多，請稍後再試。
# *Design.* NIST SP 800-63B §5.2.2: after 100 consecutive wrong passwords, checking
# the password stops until it is reset (only the card holder can cause this).
attempts-locked = 註冊密碼錯誤次數過多，為保護您的帳號已暫停以註冊密碼登入，請使用【忘記註冊密碼】重設註冊密碼。
# *Design.* The app's password checks stopped after 100 consecutive failures; a login
# on the site with the NHI card (or a password reset) opens them again.
app-login-locked = 行動裝置登入失敗次數過多，已暫停行動裝置登入。請插入健保卡登入本網站，或使用【忘記註冊密碼】重設註冊密碼後再試。
# *Design.* Too many requests are waiting for password checks (503).
server-busy = 目前使用人數眾多，請稍候再試。
# *Design.* A generic failure the user cannot fix.
system-error = 系統忙碌中，請稍後再試。

## one-time codes and links (design)

# *Design.* A code does not match.
code-incorrect = 驗證碼錯誤，請重新輸入。
# *Design.* A code has expired.
code-expired = 驗證碼已逾有效時間，請重新申請。
# *Design.* A code was entered wrongly too often and is void.
code-exhausted = 驗證碼輸入錯誤次數過多，已失效，請重新申請。
# *Design.* A code has been used already.
code-used = 此驗證碼已使用過，請重新申請。
# *Design (after the manual).* The device verification code has expired.
device-code-expired = 裝置認證碼已逾有效時間，請重新產生裝置認證碼。
# *Design.* An e-mail link is invalid, used or expired.
link-invalid = 此連結無效或已逾有效時間，請重新申請。
# *Design.* The image captcha does not match.
captcha-incorrect = 圖片驗證碼錯誤，請重新輸入。

## identity values (design)

# *Design.* ID number missing.
id-empty = 請輸入身分證號(居留證號)。
# *Design.* ID number of the wrong length.
id-length = 身分證號(居留證號)須為10碼。
# *Design.* ID number not starting with a letter.
id-first-letter = 身分證號(居留證號)第1碼須為英文字母。
# *Design.* ID number with an impossible second character.
id-second-char = 身分證號(居留證號)第2碼須為1、2、8、9或A、B、C、D。
# *Design.* ID number with non-digits in characters 3-10.
id-digits = 身分證號(居留證號)第3至10碼須為數字。
# *Design.* ID number whose check digit is wrong.
id-check-digit = 身分證號(居留證號)檢查碼錯誤，請確認後重新輸入。
# *Design.* Card number missing.
card-number-empty = 請輸入健保卡卡號。
# *Design.* Card number not 12 digits.
card-number-format = 健保卡卡號須為健保卡正面左下角12碼數字。
# *Design.* Household ID number missing.
household-id-empty = 請輸入戶號。
# *Design.* Household ID number malformed.
household-id-format = 戶號格式錯誤，須為1碼英文字母加7碼數字(戶口名簿封面左上角)。
# *Manual (zh); design (en).* County/city missing or unknown.
county-invalid = 請選擇縣市
# *Manual (zh); design (en).* Township missing or not in the county.
township-invalid = 請選擇鄉鎮市區
# *Manual (zh); design (en).* Village missing or malformed.
village-invalid = 請選擇村里
# *Design.* Neighbourhood number out of range.
neighborhood-invalid = 鄰須為1至999的數字。
# *Design.* Local phone malformed.
local-phone-invalid = 聯絡電話格式錯誤，請輸入(區碼)-電話號碼#分機。
# *Design.* Local phone with an unknown area code.
local-phone-area-code = 聯絡電話區碼錯誤。
# *Design.* Mobile phone missing.
mobile-phone-empty = 請輸入行動電話。
# *Design.* Mobile phone malformed.
mobile-phone-invalid = 行動電話格式錯誤，須為09開頭共10碼數字(09xx-xxxxxx)。
# *Design.* E-mail missing.
email-empty = 請輸入E-Mail。
# *Design.* E-mail malformed.
email-invalid = E-Mail格式錯誤，請確認後重新輸入。
# *Design.* E-mail with characters outside ASCII.
email-non-ascii = E-Mail請使用英文字母、數字及符號輸入。
# *Design.* E-mail too long.
email-too-long = E-Mail長度過長。

## passwords (design unless marked)

# *Manual.* Space, `>` and `<` are never allowed.
password-forbidden-char = 特殊符號不可為(空白)、(大於>)、(小於<)符號。
# *Design.* Other characters outside the allowed set.
password-unsupported-char = 註冊密碼只能使用英文大小寫字母、數字及特殊符號~!@#$%^&*-。
# *Design.* Confirmation differs from the password.
password-mismatch = 兩次輸入的註冊密碼不一致。
# *Design.* Password on the common-password block list.
password-common = 此註冊密碼過於常見，容易被猜中，請改用其他密碼。
# *Design.* Password contains the ID number.
password-contains-id = 註冊密碼不可包含身分證號(居留證號)。
# *Design.* Password contains the card number.
password-contains-card-number = 註冊密碼不可包含健保卡卡號。
# *Design.* Password contains the birth date.
password-contains-birth-date = 註冊密碼不可包含出生日期。

## devices and the app (design)

# *Design.* No such device for this registration.
device-not-found = 查無此行動裝置。
# *Design.* The app logs in only from an active device.
device-not-active = 此行動裝置未啟用，請至【行動裝置管理作業】啟用裝置。
# *Design.* The device was deleted.
device-deleted = 此行動裝置已刪除，請重新執行【行動裝置認證】。
# *Design.* Enabling an active device.
device-already-active = 此行動裝置已是啟用中。
# *Design.* Disabling a disabled device.
device-already-disabled = 此行動裝置已停用。
# *Design.* Malformed device identifier, platform or model from the app.
device-info-invalid = 行動裝置資料格式錯誤。
# *Design.* Wrong one-time password from the app.
totp-incorrect = 動態密碼錯誤，請重新輸入。
# *Design.* One-time password of a step already used.
totp-replayed = 此動態密碼已使用過，請等待下一組動態密碼。

## dates and settings (design)

# *Design.* A date or time that cannot be read.
date-invalid = 日期時間格式錯誤。
# *Design.* A date outside ROC years 1-999.
date-out-of-range = 日期須介於民國1年至999年之間。
# *Design.* A setting (service hours, lifetimes, hashing parameters …) is invalid.
config-invalid = 系統設定錯誤。

## use cases of twnhi-service (design)

# Added with the registration use cases; keep this block at the end of the catalog.
# *Design.* No valid login session (never logged in, logged out, idle or ended).
session-expired = 您尚未登入或登入已逾時，請重新登入。
# *Design.* Changing the e-mail address or the password asks for the current password.
reauthentication-required = 變更電子郵件信箱或註冊密碼前，請再次輸入目前的註冊密碼。
# *Design.* The current password given for re-authentication is wrong.
current-password-incorrect = 目前的註冊密碼錯誤，請重新輸入。
# *Design.* A link of a registration opened with another person's card.
card-not-registrant = 請使用註冊申請人本人的健保卡。
# *Design.* A device was bound with its verification code (4.3).
device-verified = 行動裝置認證成功。
# *Design.* A device was enabled, disabled or deleted (4.4).
device-updated = 行動裝置狀態已更新。
# *Design.* Logged out (登出).
logged-out = 您已登出系統。
# *Design.* Counter: the registration was suspended.
counter-suspended = 已停用此健保卡網路服務註冊。
# *Design.* Counter: the registration was reinstated.
counter-reinstated = 已恢復此健保卡網路服務註冊。
# *Design.* Counter: no registration for this ID number.
not-registered = 查無此身分證號(居留證號)的註冊資料。

## Messages with arguments
## A message's arguments are documented in its comment as `$name: what it is`; the tests
## format every message with them.

# *Manual.* The device-code expiry sentence of 4.3 (`device_code_valid_until`).
# $roc: the expiry in the long ROC form (民國109年10月27日 16:46:50), Asia/Taipei
# $date: the expiry in the Gregorian form (2020/10/27 16:46:50), Asia/Taipei
device-code-valid-until = 裝置認證碼有效時間至 { $roc }，若超過裝置認證碼有效時間，請重新產生裝置認證碼。
# *Design.* The throttling refusal with the time of the next attempt (`try_again_after`).
# $roc: the time in the long ROC form, Asia/Taipei
# $date: the time in the Gregorian form, Asia/Taipei
try-again-after = 嘗試次數過多，請於 { $roc } 後再試。
# *Design.* A code's remaining tries after a wrong entry (`attempts_left`).
# $left: the number of tries left (number)
attempts-left = 驗證碼錯誤，您還可以再輸入{ $left }次。
# *Manual.* The service hours notice for configured hours (`ServiceHours::notice`).
# $hours: the hours as 24-hour times, 06:00-24:00
# $open: the opening time on a 12-hour clock, 6a.m.
# $close: the closing time on a 12-hour clock, 12a.m.
# $allday: `yes` when the hours are 00:00-24:00, otherwise `no`
service-hours-notice = ※本系統服務時間每日 { $hours }
# *Design.* A date and time in the language's form (`RocDateTime::format`).
# $roc: the long ROC form, 民國109年10月27日 16:46:50
# $date: the Gregorian form, 2020/10/27 16:46:50
date-time = { $roc }
# *Design.* A language tag that no language of the catalog has.
unknown-lang = 不支援的語言
