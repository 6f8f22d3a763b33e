# Letters (twnhi-notify): subjects and texts of the e-mails, and the captcha's texts.

# *Design.* Subject of the e-mail-address-changed notice (not in the manual).
letter-subject-email-changed = 衛生福利部中央健康保險署-健保卡網路服務註冊-電子郵件信箱變更通知
# *Design.* Subject of the password-changed notice (not in the manual).
letter-subject-password-changed = 衛生福利部中央健康保險署-健保卡網路服務註冊-註冊密碼變更通知
# *Design.* Subject of the letter confirming a new main e-mail address (not in the manual).
letter-subject-email-change = 衛生福利部中央健康保險署-健保卡網路服務註冊-電子郵件信箱變更確認信

## Captcha

# *Design.* The `alt` text of the captcha image: what it is, that an audio alternative exists; names no digit.
captcha-alt = 圖片驗證碼（數字）。若無法辨識圖片，請改聽語音驗證碼。
# *Design.* What the audio captcha holds and what to do with it; names no digit.
captcha-audio-instructions = 語音驗證碼：提示音後先以國語念出數字，再響提示音後以英語念出同樣的數字，背景有雜音。請依序輸入您聽到的數字。

## The letters' layout (every letter, in each of its languages)
##
## A letter shows its languages one after the other, each rendered from the same templates
## (crates/twnhi-notify/templates) with this file's texts. In the HTML part, straight quotes
## become typographic (" → &ldquo; &rdquo;, ' → &rsquo;) and a line break becomes <br>; an
## attribute `.html` is the HTML part's form of a text when it differs from the plain-text one.

# *Design.* The `lang` attribute of this language's part of the HTML letter.
letter-html-lang = zh-Hant-TW
# *Manual.* The banner line at the top of the HTML letter (the first language's in bold).
letter-banner = { letter-sender }
# *Manual.* Greeting.
# $name: the registrant's name
letter-greeting = 親愛的 { $name } 您好：
# *Design.* Greeting when the name is unknown.
letter-greeting-anonymous = 親愛的 您好：
# *Manual.* Closing above the signature.
letter-closing =
    敬祝
    身體健康 萬事如意
# *Manual.* Signature.
letter-signature = { letter-sender }敬啟
# *Manual.* A date under the signature (the deletion notice).
# $roc: the long ROC form, 民國109年10月28日
# $date: the Gregorian form, 2020/10/28
letter-date = { $roc }
# *Design.* The line above a link in the plain-text part.
# $link: the link's text
letter-link-label = { $link }：
# *Design.* A page's name quoted in a sentence.
# $text: the page's name
letter-quoted = 「{ $text }」
# *Manual.* The page of 忘記註冊密碼 (its link in the letters).
letter-forgot-password = 忘記註冊密碼
# *Design.* The CSS `list-style-type` of a numbered list in the HTML part.
letter-list-style = cjk-ideographic
# *Manual.* An item of a numbered list in the plain-text part.
# $n: the item's number, from 1 (number)
# $text: the item's text
letter-list-item =
    { $n ->
        [1] 一
        [2] 二
        [3] 三
        [4] 四
        [5] 五
       *[other] { $n }
    }、{ $text }

## 認證通知 (confirmation)

# *Design (after the manual).* The confirmation letter: what to do.
# $link: the link's text
letter-confirmation-intro = 感謝您申請衛生福利部中央健康保險署「健保卡網路服務註冊」。請點選下列「{ $link }」連結，插入健保卡後按【讀取】驗證健保卡，再按下【確定】，即完成電子郵件信箱認證：
# *Design.* The confirmation letter: how long the link works.
# $expires: when the link stops working
letter-confirmation-validity = 本連結有效時間至 { $expires }，且僅能使用一次；若超過有效時間，請至「重寄認證信」重新申請。完成電子郵件信箱認證前，您尚無法登入本系統。
# *Design.* The confirmation letter: if it was not you.
letter-confirmation-not-you = 若您並未申請健保卡網路服務註冊，請勿點選本連結，並請忽略本信件。

## 電子郵件信箱變更確認信 (email-change, design)

# *Design.* The letter to a new main e-mail address: what to do.
# $link: the link's text
letter-email-change-intro = 您在衛生福利部中央健康保險署「健保卡網路服務註冊」的「基本資料異動」申請將電子郵件信箱變更為本信箱。請點選下列「{ $link }」連結，再按下【確定】，變更即生效：
# *Design.* The letter to a new main e-mail address: how long the link lasts.
# $expires: when the link stops working
letter-email-change-validity = 本連結有效時間至 { $expires }，且僅能使用一次；若超過有效時間，請登入後至「基本資料異動」重新申請。確認前，本署寄發的信件仍寄至原電子郵件信箱。
# *Design.* The letter to a new main e-mail address: if it was not you.
letter-email-change-not-you = 若您並未申請變更電子郵件信箱，請勿點選本連結，並請忽略本信件。

## 註冊完成 (completion)

# *Manual.* The completion letter, first paragraph.
# $keep: the warning to keep the password secret (letter-completion-keep, emphasised)
# $toll-free: the hotline's toll-free number (manual: 0800-030-598)
# $local-number: the hotline's number without area code (manual: 4128-678)
# $mobile-number: the hotline's number from a mobile phone (manual: 02-4128-678)
letter-completion-intro = 您申請註冊衛生福利部中央健康保險署「健保卡網路服務註冊」程序已完成，在此特別提醒您，{ $keep }，以避免資料遭他人盜用。若您在使用上有任何疑問，歡迎您電洽本署健保服務專線：市話撥打 { $toll-free } 或 { $local-number }(不須加區碼)手機撥打 { $mobile-number }，或在企業全球資訊網點選留言，本署將竭誠為您服務。
# *Manual.* The completion letter: the emphasised warning.
letter-completion-keep = 註冊密碼應妥善保存勿告知他人
# *Manual.* The completion letter, second paragraph (the plain text keeps a space between the address and the parenthesis).
# $login: the address of the login page
letter-completion-login = 為響應節能減碳以網路取代之馬路號召，歡迎您日後利用健保卡及註冊密碼登入使用本署提供各項網路服務。提醒您再次利用註冊健保卡登入前，請先至「健保卡網路服務註冊」完成系統環境設定並安裝下載元件方可登入使用。(即無法進入健保卡網路服務註冊登入畫面，請您直接點選下列連結：{ $login } )
    .html = 為響應節能減碳以網路取代之馬路號召，歡迎您日後利用健保卡及註冊密碼登入使用本署提供各項網路服務。提醒您再次利用註冊健保卡登入前，請先至「健保卡網路服務註冊」完成系統環境設定並安裝下載元件方可登入使用。(即無法進入健保卡網路服務註冊登入畫面，請您直接點選下列連結：{ $login })
# *Manual.* The completion letter: above the list of services.
letter-completion-services = 本署網路線上申請各項服務如下：
# *Manual.* Service 1.
# $url: the service's address (a setting; the manual's by default)
letter-completion-service-1 = 個人健康資料網路服務作業，網址：{ $url }
# *Manual.* Service 1, item 1.
letter-completion-service-1-1 = 申請符合投保在公所之第六種被保險人加保、轉出、停保、復保作業。
# *Manual.* Service 1, item 2.
letter-completion-service-1-2 = 申請健保卡遺失補發作業。
# *Manual.* Service 1, item 3.
letter-completion-service-1-3 = 辦理個人通訊地址變更作業。
# *Manual.* Service 1, item 4.
letter-completion-service-1-4 = 查詢個人健保投保情形。
# *Manual.* Service 1, item 5.
letter-completion-service-1-5 = 線上申請中英文在保證明。
# *Manual.* Service 2.
# $url: the service's address (a setting; the manual's by default)
letter-completion-service-2 = 健康存摺，網址：{ $url }可下載查詢就醫資訊、用藥狀況(健康存摺)、個人非醫療費用與處方。
# *Manual.* Service 3, as the manual prints it (its scan reads 「行動特等通」 and 「行動特種」 for
# 行動快易通 and 行動櫃檯, the app's and the counter's names elsewhere in the manual).
# $url: the service's address (a setting; the manual's by default)
letter-completion-service-3 = 全民健保行動快易通 APP，網址：{ $url }改善升級改版，新增兩大功能：「健康存摺」及「行動櫃檯」。只要先登入健保卡網路服務註冊，系統註冊後，進行行動快易通 APP，即可用手機或平板查詢自己的「健康存摺」，或至「行動櫃檯」專區查詢個人健保投保紀錄、健保費查詢及繳納紀錄。
# *Manual.* The paragraph after the list; a lone `-` leaves it out (the manual's English letter has none).
letter-completion-outro = 除以上服務功能外，各項使用之網路服務將陸續推出。

## 重設註冊密碼 (password reset)

# *Design (after the manual).* The reset letter: what to do.
# $link: the link's text
letter-reset-intro = 您已申請重設「健保卡網路服務註冊」的註冊密碼。請點選下列「{ $link }」連結，插入健保卡後按【讀取】驗證健保卡，確認姓名無誤後輸入新的註冊密碼，再按下【確定】：
# *Design.* The reset letter: how long the link works.
# $expires: when the link stops working
# $app: the note on the app's password (reset-app-notice)
letter-reset-validity = 本連結有效時間至 { $expires }，且僅能使用一次；若超過有效時間，請至「忘記註冊密碼」重新申請。{ $app }
# *Design.* The reset letter: if it was not you.
letter-reset-not-you = 若您並未申請重設註冊密碼，請勿點選本連結，並請忽略本信件，您的註冊密碼不會變更。

## 刪除註冊確認信 (cancellation)

# *Design (after the manual).* The cancellation letter: what to do.
# $link: the link's text
letter-cancellation-intro = 您已申請刪除「健保卡網路服務註冊」。請點選下列「{ $link }」連結，開啟確認刪除註冊作業畫面，輸入身分證號、下列 E-Mail 驗證碼及圖片驗證碼後，按下【確認】按鈕，即完成刪除註冊申請：
# *Manual.* The e-mail verification code, case-sensitive.
# $code: the code
letter-cancellation-code =
    E-Mail 驗證碼：{ $code }
    (大小寫需相符)
    .html = E-Mail 驗證碼：{ $code }（大小寫需相符）
# *Design.* The cancellation letter: how long the code works.
# $expires: when the code stops working
# $app: the note on the app (cancel-app-notice)
letter-cancellation-validity = 本驗證碼有效時間至 { $expires }。在完成確認刪除註冊之前，您還是能繼續使用本服務。{ $app }
# *Design.* The cancellation letter: if it was not you.
letter-cancellation-not-you = 若您並未申請刪除註冊，請勿點選本連結，並請忽略本信件，您的註冊不會被刪除。

## 刪除註冊申請通知 (cancellation notice, design)

# *Design.* The notice once the cancellation was confirmed at another address.
# $email: the other address, masked
# $at: when it was confirmed
# $effective: when the cancellation takes effect
letter-cancellation-notice-confirmed = 有人以另一個電子郵件信箱（{ $email }）於 { $at } 確認刪除您的「健保卡網路服務註冊」。為保護您的帳號，刪除將於 { $effective } 生效；在此之前您的註冊仍可使用。
# *Design.* The notice when the cancellation was asked for at another address.
# $email: the other address, masked
# $at: when it was asked for
letter-cancellation-notice-requested = 有人於 { $at } 申請刪除您的「健保卡網路服務註冊」，並要求將刪除註冊確認信寄至另一個電子郵件信箱（{ $email }）。在完成確認並經過等待期間之前，您的註冊不會被刪除。
# *Design.* The notice: how to stop it.
# $link: the stop link's text
letter-cancellation-notice-not-you = 若這不是您本人的申請，請點選下列「{ $link }」連結並按下【{ $link }】按鈕，您的註冊將維持有效；並建議您變更註冊密碼：
    .html = 若這不是您本人的申請，請點選下列「{ $link }」連結並按下【{ $link }】按鈕，您的註冊將維持有效；並建議您變更註冊密碼：
# *Design.* The notice: how long the stop link works.
# $expires: when the stop link stops working
letter-cancellation-notice-validity = 本連結有效時間至 { $expires }。若這是您本人的申請，無須處理本信件。

## 刪除通知 (deleted)

# *Manual.* The deletion notice, first line.
letter-deleted-body = 您申請健保卡網路服務註冊功能業已刪除，歡迎您再次申請健保卡網路服務註冊，感謝您的配合與支持。
# *Manual.* The deletion notice, second line.
# $toll-free: the hotline's toll-free number (manual: 0800-030-598)
# $local-number: the hotline's number without area code (manual: 4128-678)
# $mobile-number: the hotline's number from a mobile phone (manual: 02-4128-678)
letter-deleted-questions = 若您在使用上有任何疑問，歡迎您電洽本署健保服務專線：市話撥打 { $toll-free } 或 { $local-number }(不須加區碼) 手機改撥 { $mobile-number }，或在本署全球資訊網/意見信箱留言，本署將竭誠為您服務。

## 電子郵件信箱變更通知 (e-mail changed, design)

# *Design.* The notice to the old address.
# $at: when it changed
# $email: the new address, masked
letter-email-changed-body = 您「健保卡網路服務註冊」的電子郵件信箱已於 { $at } 變更為 { $email }。本通知寄至您原本的電子郵件信箱，之後本署寄發的信件將寄至新的電子郵件信箱。
# *Design.* The notice: if it was not you, with the hotline's numbers (the forgot-password link follows on its own line).
# $forgot: the quoted name of 忘記註冊密碼 (a link in the HTML part)
# $toll-free: the hotline's toll-free number (manual: 0800-030-598)
# $local-number: the hotline's number without area code (manual: 4128-678)
# $mobile-number: the hotline's number from a mobile phone (manual: 02-4128-678)
letter-email-changed-not-you = 若這項變更是您本人所為，無須處理本信件。若您並未變更電子郵件信箱，您的註冊密碼可能已遭他人知悉，請儘速至{ $forgot }重設註冊密碼，並電洽本署健保服務專線：{ letter-hotline-numbers }。
    .html = 若這項變更是您本人所為，無須處理本信件。若您並未變更電子郵件信箱，您的註冊密碼可能已遭他人知悉，請儘速至{ $forgot }重設註冊密碼，並電洽本署健保服務專線：{ letter-hotline-numbers }。

## 註冊密碼變更通知 (password changed, design)

# *Design.* The notice that the password changed.
# $at: when it changed
# $app: the note on the app's password (app-password-note)
letter-password-changed-body = 您「健保卡網路服務註冊」的註冊密碼已於 { $at } 變更成功，下次使用健保卡登入系統請使用新的註冊密碼。{ $app }
# *Design.* The notice: if it was not you, with the hotline's numbers (the forgot-password link follows on its own line).
# $forgot: the quoted name of 忘記註冊密碼 (a link in the HTML part)
# $toll-free: the hotline's toll-free number (manual: 0800-030-598)
# $local-number: the hotline's number without area code (manual: 4128-678)
# $mobile-number: the hotline's number from a mobile phone (manual: 02-4128-678)
letter-password-changed-not-you = 若您並未變更註冊密碼，您的健保卡及註冊密碼可能已遭他人使用，請儘速至{ $forgot }重設註冊密碼，並電洽本署健保服務專線：{ letter-hotline-numbers }。
    .html = 若您並未變更註冊密碼，您的健保卡及註冊密碼可能已遭他人使用，請儘速至{ $forgot }重設註冊密碼，並電洽本署健保服務專線：{ letter-hotline-numbers }。
