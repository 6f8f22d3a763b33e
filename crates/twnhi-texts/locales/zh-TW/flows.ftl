# The forms as people meet them (issue 11): what an empty field says, and the other texts of
# the form flows that the manual leaves to the design. *Manual.* texts are quoted verbatim.

## 刪除註冊申請: empty fields

# *Design.* The captcha field left empty (an empty field asks for input; a wrong one says
# 「…錯誤」).
captcha-empty = 請輸入圖片驗證碼。
# *Design.* The e-mail code of the cancellation confirmation left empty.
email-code-empty = 請輸入刪除註冊確認信通知驗證碼。

## Outside the service hours

# *Design.* Before the hours notice (`service-hours-notice`) when a form or 讀取 is used
# outside the service hours: the service is closed now.
service-closed-now = 目前非本系統服務時間，暫停服務。

## Passwords and addresses

# *Design.* 4.5 註冊密碼變更: the new password is the current one.
password-same-as-current = 新的註冊密碼不可與目前的註冊密碼相同。
# *Design.* The spare e-mail address is the main one.
spare-email-same = E-Mail(備用)不可與E-Mail相同。

## 申請: step 2

# *Design.* After an error on apply step 2: why the password fields are empty again.
password-retype-note = 為保護您的密碼，密碼欄位已清除，請重新輸入註冊密碼及確認密碼。

## Letters

# *Manual.* The hotline's numbers as the manual prints them (健保服務專線), for the change
# notices' 「並電洽本署健保服務專線：」.
# $toll-free: the hotline's toll-free number (manual: 0800-030-598)
# $local-number: the hotline's number without area code (manual: 4128-678)
# $mobile-number: the hotline's number from a mobile phone (manual: 02-4128-678)
letter-hotline-numbers = 市話撥打 { $toll-free } 或 { $local-number }(不須加區碼)手機撥打 { $mobile-number }

## 重寄認證信 / 忘記註冊密碼: nothing sent, the card holder told why

# *Design.* A card holder who has not applied asks for a letter.
not-yet-applied = 您尚未申請健保卡網路服務註冊，請先點選【首次登入請先申請】申請註冊。
# *Design.* 忘記註冊密碼 before the e-mail address was verified.
email-not-yet-verified = 您的註冊尚未完成電子信箱認證，請使用【重寄認證信】重新寄送認證信，並完成電子信箱認證。
# *Design.* A new e-mail address asked for with a mobile phone that is not the registered one.
mobile-not-registered = 您輸入的行動電話與註冊資料不符，請輸入註冊時填寫的行動電話；若已無法使用該行動電話，請電洽本署健保服務專線。

## 【取得裝置認證說明】 (the page the manual links from 行動裝置認證)

# *Manual.* The page's name as the manual links it.
device-help-title = 取得裝置認證說明
# *Manual.* The link to it on 行動裝置認證 (「請詳閱【取得裝置認證說明】」).
device-help-link = 請詳閱【取得裝置認證說明】
# *Design (after the manual).* What the binding gives.
device-help-intro = 使用行動裝置，並透過健保快易通 APP 認證裝置後，即可使用相關功能。
# *Design.* Step 1: the app.
device-help-step-app = 在行動裝置安裝健保署『健保快易通』行動服務之APP，並開啟APP的裝置認證功能。
# *Design.* Step 2: the code on this site.
device-help-step-login = 使用健保卡及註冊密碼登入本系統，點選【行動裝置認證】，再點選【產生裝置認證碼】。
# *Design.* The code's lifetime and tries.
# $minutes: how many minutes a device code is valid (the site's setting)
# $tries: how many wrong entries void it
device-help-lifetime = 裝置認證碼產生後 { $minutes } 分鐘內有效，輸入錯誤 { $tries } 次即失效；失效後請重新產生裝置認證碼。每次產生新的裝置認證碼，先前的即不能再使用。
