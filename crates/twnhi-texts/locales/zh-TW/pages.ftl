# Pages of the registration site (twnhi-web templates): `{{ zh("id") }}` and `{{ en("id") }}`
# show a text in the page's two languages. Texts are element content: `&`, `<` and `>`
# are escaped when shown, quotes are kept.

## Every page (base.html)

# *Manual.* The system's name (header, page titles).
site-name = 健保卡網路服務註冊
# *Design.* The one-character logo of the header.
site-logo = 健
# *Manual.* The organisation in the header.
org-name = 衛生福利部中央健康保險署
# *Design.* The demo banner.
demo-banner = 展示模式：合成資料、模擬健保卡，以未加密的 http 於本機 127.0.0.1 執行，請勿輸入真實個人資料。
# *Design.* Demo banner link to the card switcher.
demo-switch-card = 切換健保卡
# *Design.* Demo banner link to the mailbox.
demo-mailbox = 郵件信箱
# *Design.* Label of the logged-in navigation.
nav-user = 使用者
# *Manual.* Navigation: the service items.
nav-services = 服務項目
# *Manual.* Navigation: log out.
nav-logout = 登出
# *Design.* Shown outside the service hours.
closed-notice = 目前非本系統服務時間，各項申請作業暫停受理。
# *Manual.* Footer link to the setup instructions.
footer-setup = 系統設定須知
# *Manual.* Footer link to the news.
footer-news = 最新公告
# *Manual.* Footer link to the login page.
footer-login = 登入
# *Design.* What this site is.
footer-about = 健保卡網路服務註冊 — twnhi 開放原始碼實作

## The login page (login.html)

# *Manual.* Heading of the login panel.
login-title = 登入
# *Manual.* Environment: the browser.
env-browser = 瀏覽器
# *Manual.* Environment: the operating system.
env-os = 作業系統
# *Manual.* Label of the password field.
field-password = 註冊密碼
# *Manual.* The prompt under the login form (the page's wording of the button: "LOG IN").
login-prompt-page = 請插入健保卡後，輸入註冊密碼再按【登入】鈕
# *Manual.* The button that clears a form.
button-clear = 清除
# *Manual.* The login button.
button-login = 登入
# *Manual.* Login page link to /apply.
link-apply = 首次登入請先申請
# *Manual.* Login page link to /resend.
link-resend = 重寄認證信
# *Manual.* Login page link to /forgot-password.
link-forgot = 忘記註冊密碼
# *Manual.* Login page link to /cancel.
link-cancel = 刪除註冊申請
# *Spec.* The suspension note of the login page, with where to go.
suspension-note-page = 如需申請健保卡註冊停用，請持身分證及證明文件臨櫃辦理(本署各地聯合服務中心及連絡辦公室)
# *Manual.* Heading of the news panel.
news-title = 最新公告
# *Design.* No announcement to list.
news-none = 目前沒有公告。
# *Design.* Link to every announcement.
news-more = 更多公告
# *Manual.* Heading of the service items panel.
services-title = 服務項目
# *Manual.* Service item /device/verify.
service-device-verify = 行動裝置認證
# *Manual.* Service item /profile.
service-profile = 基本資料異動
# *Manual.* Service item /devices.
service-devices = 行動裝置管理作業
# *Manual.* Service item /password.
service-password = 註冊密碼變更
# *Manual.* Heading of the setup instructions.
setup-title = 系統設定須知
# *Manual.* Setup instruction /setup#environment.
setup-environment = 電腦環境說明
# *Manual.* Setup instruction /setup#manual.
setup-manual = 健保卡網路服務註冊使用說明
# *Manual.* Setup instruction /setup#faq.
setup-faq = 常見問題
# *Manual.* Setup instruction /setup#errors.
setup-errors = 讀取健保卡發生錯誤說明
# *Manual.* Link to the environment check.
setup-check = 檢測健保卡認證

## Shared by several pages (forms, buttons, headings)
# *Manual.* Title of the application pages (apply_card, apply_details).
page-title-apply = 健保卡網路服務註冊-申請
# *Manual.* Button back to the login page.
button-back-home = 回登入頁
# *Manual.* Button back to the previous page.
button-previous = 回上頁
# *Manual.* Button that submits a form (letters, reset, e-mail verification).
button-submit = 確定
# *Manual.* Button that saves a change (password, profile).
button-save = 儲存
# *Manual.* Button to the next step of the application.
button-next = 下一步
# *Manual.* Button that reads the inserted NHI card.
button-read = 讀取
# *Manual.* The card holder's name.
field-name = 姓名
# *Manual.* Label of the ID number.
field-id-number = 身分證號
# *Manual.* Label of the household ID number.
field-household-id = 戶號
# *Manual.* Where the household ID number is printed; inline markup: the link to the picture.
household-id-where-html = 請參考戶口名簿封面左上角的號碼(<a href="/static/household-certificate.svg" target="_blank" rel="noopener">圖示</a>)
# *Manual.* Label of the household registration address.
field-household-address = 戶籍鄉鎮里鄰
# *Manual.* Label of the main e-mail address.
field-email-main = E-Mail(主要)
# *Manual.* Label of the spare e-mail address.
field-email-spare = E-Mail(備用)
# *Design.* Label of the current password.
field-current-password = 目前的註冊密碼
# *Manual.* Heading of a form's instructions.
field-instruction = 執行作業說明
# *Manual.* Heading of a form's notes.
field-announcement = 注意事項
# *Manual.* Heading of the password page's note.
field-note = 注意事項
# *Manual.* Heading of the cancellation notice.
field-notice = 提醒您
# *Manual.* Under the name: read the card (重寄認證信, as both screenshots of chapter 十 print
# it).
read-card-prompt-letter = 請晶片讀卡機插入健保卡後，按「讀取」驗證健保卡。
# *Manual.* Under the name: read the card (password reset).
read-card-prompt-reset = 請插入健保卡後，按「讀取」驗證健保卡
# *Manual.* Under the name: read the card (忘記註冊密碼, as its last screenshot prints it; the
# others leave out the 。).
read-card-prompt-forgot = 請插入健保卡後，按「讀取」驗證健保卡。

## Form pieces (macros.html)
# *Manual.* Heading of the system message row of every form.
sysmsg-label = 系統訊息
# *Manual.* Accessible name of the county select.
address-county = 縣市
# *Manual.* First option of the county select.
address-choose-county = 請選擇縣市
# *Manual.* Accessible name of the township select.
address-township = 鄉鎮市區
# *Manual.* First option of the township select.
address-choose-township = 請選擇鄉鎮市區
# *Design.* Placeholder of the village field.
address-enter-village = 請輸入村里
# *Manual.* Accessible name of the village field.
address-village = 村里
# *Manual.* The neighborhood field.
address-neighborhood = 鄰
# *Design.* Accessible name of the strength meter.
password-strength = 密碼強度
# *Manual.* Under the new password on 變更註冊密碼 (the apply page uses `strong-password-hint`).
password-strong-note-change = 強式密碼包含英文大寫、英文小寫、數字、特殊符號(-!@#%&*)需含並且長度8碼以上。特殊符號不可為(空白)、(大於>)、(小於<)符號。
# *Manual.* Under the new password on 重設註冊密碼.
password-strong-note-reset = 強密碼包含英文大寫、英文小寫、數字、特殊符號(~!@#$%^&*)需含並且長度8碼以上，特殊符號不可為(空白)、(大於>)、(小於<)符號。
# *Manual.* The length rule on 變更註冊密碼 (the other pages use `password-length`).
password-length-change = 註冊密碼長度必需6-12碼。
# *Manual.* Label of the mobile phone.
field-mobile = 行動電話
# *Design.* Accessible name of the mobile phone's first field.
mobile-first-digits = 行動電話前4碼
# *Design.* Accessible name of the mobile phone's second field.
mobile-last-digits = 行動電話後6碼
# *Manual.* Label of the local phone.
field-local-phone = 聯絡電話
# *Manual.* Accessible name of the area code field.
phone-area = 區碼
# *Design.* Accessible name of the phone number field.
phone-number = 電話號碼
# *Design.* Accessible name of the extension field.
phone-ext = 分機
# *Manual.* Label of the captcha.
field-captcha = 圖片驗證碼
# *Manual.* Button for a new captcha image (the page shows the zh-TW text only).
captcha-refresh = 變更圖片
# *Design.* Opens the audio captcha.
captcha-audio-summary = 無法辨識圖片？改聽語音驗證碼
# *Design.* Fallback content of the audio element.
captcha-audio = 語音驗證碼
# *Design.* What to do without either captcha.
captcha-help = 若您無法使用圖片或語音驗證碼，請電洽本署健保服務專線 0800-030-598 或 4128-678(不須加區碼)，手機請撥 02-4128-678，或持身分證及健保卡臨櫃辦理。

## The application (apply_card.html, apply_details.html)
# *Manual.* Caption of the household certificate picture.
apply-household-id-figure = 戶號請參考戶口名簿左上角的號碼。
# *Design.* Alternative text of the household certificate picture.
apply-household-figure-alt = 戶口名簿圖示：戶號位於封面左上角
# *Manual.* Label of the new password (application).
password-enter = 請輸入註冊密碼
# *Manual.* Label of the password confirmation (application).
password-confirm = 再次確認密碼
# *Manual.* Button that sends the application.
button-apply-submit = 確認申請

## Cancelling the registration (cancel.html, cancel_confirm.html)
# *Manual.* Title of the cancellation page.
page-title-cancel = 健保卡網路服務註冊-刪除註冊
# *Manual.* Label of the ID number, with the resident certificate.
field-id-number-resident = 身分證號(居留證號)
# *Manual.* Label of the card number.
field-card-number = 健保卡卡號
# *Manual.* Heading of the delivery choice.
cancel-method = 選擇刪除認證信寄送方式
# *Manual.* Delivery to the registered address.
cancel-method-registered = 寄送刪除認證信
# *Manual.* Delivery to a new address.
cancel-method-new = 修改電子郵件信箱寄送刪除認證信
# *Design.* What a new address implies.
cancel-new-address-note = 寄至新的電子郵件信箱時，原註冊電子郵件信箱將同時收到通知，並可於刪除生效前停止本作業。
# *Manual.* Button that sends the cancellation.
button-cancel-submit = 送出刪除註冊
# *Manual.* Button that checks the card data first.
button-check = 檢核
# *Manual.* Title of the confirmation page.
page-title-cancel-confirm = 健保卡網路服務註冊-確認刪除註冊作業
# *Manual.* Label of the code of the letter.
field-email-code = E-Mail 驗證碼
# *Manual.* How to enter the code.
email-code-note = (請輸入刪除註冊確認信通知驗證碼，大小寫需相符)
# *Manual.* Heading of the confirmation's notice.
field-notice-colon = 提醒您：
# *Manual.* Button that confirms the cancellation.
button-confirm = 確認

## The card check (check.html)
# *Manual.* Title of the check page.
check-title = 檢測健保卡認證
# *Design.* What the page does.
check-intro = 若支援您使用瀏覽器且連線正常，您可插入健保卡按【讀取健保卡】及【驗證健保卡】檢測是否成功。
# *Manual.* Button that reads the card.
button-check-read = 讀取健保卡
# *Manual.* Button that verifies the card.
button-check-auth = 驗證健保卡
# *Manual.* Button that clears the results.
button-check-clear = 清除
# *Manual.* Row: the browser.
check-browser = 瀏覽器版本
# *Manual.* Row: whether the browser is supported.
check-supported = 是否支援
# *Manual.* Row: the component's reply.
check-reply = 回應訊息
# *Manual.* Row: the connection status.
check-connection = 連線狀態
# *Design.* Where the card component listens.
check-component = 健保卡元件位址
# *Design.* What to do when the connection fails; inline markup: the link to the setup.
check-connection-failed-html = 伺服器連線失敗時，請<a href="/setup#environment">確認健保卡元件安裝是否正確</a>。

## Demo pages (dev_cards.html, dev_letter.html, dev_mailbox.html)
# *Design.* Title of the card switcher.
dev-cards-title = 切換展示健保卡
# *Design.* What the card switcher does.
dev-cards-notice = 展示模式：模擬讀卡機中目前插入的健保卡決定【讀取】時讀到哪一位合成人物。以下人物皆為合成資料。
# *Design.* Button that removes the simulated card.
dev-remove-card = 取出健保卡
# *Design.* The card in the reader.
dev-card-inserted = 已插入
# *Manual.* A card's ID number.
dev-card-id = 身分證號
# *Manual.* A card's number.
dev-card-number = 健保卡卡號
# *Manual.* A card's birth date.
dev-card-born = 出生
# *Manual.* A card's household ID number.
dev-card-household = 戶號
# *Manual.* A card's household registration address.
dev-card-address = 戶籍
# *Design.* A card's registration state.
dev-card-registration = 註冊狀態
# *Design.* Button that inserts a simulated card.
dev-insert-card = 插入此卡
# *Design.* Heading of a letter's links.
dev-letter-links = 信中連結
# *Design.* Button back to the mailbox.
dev-back-mailbox = 回信箱
# *Design.* Title of the mailbox.
dev-mailbox-title = 展示郵件信箱
# *Design.* Where the letters go; inline markup.
# $dir: the mail directory, HTML-escaped
dev-mailbox-notice-html = 展示模式：本站寄出的信件都寫入資料目錄 <code>{ $dir }</code>，並顯示於此頁（僅限展示）。
# *Manual.* Column: when the letter was sent.
dev-mailbox-time = 時間
# *Design.* Column: the recipient.
dev-mailbox-to = 收件人
# *Manual.* Column: the subject.
dev-mailbox-subject = 主旨
# *Design.* No letter yet.
dev-mailbox-empty = 信箱是空的。
# *Design.* Button that reloads the mailbox.
dev-mailbox-refresh = 重新整理

## Mobile devices (device_verify.html, devices.html)
# *Manual.* Title of the device verification page and its service item.
device-verify-title = 行動裝置認證
# *Manual.* Label of the account of the devices.
device-account = 行動裝置帳號
# *Manual.* Button that produces a device code.
button-produce-code = 產生裝置認證碼
# *Manual.* Title of the device list and its service item.
devices-title = 行動裝置管理作業
# *Manual.* Column: the platform.
devices-platform = 平台
# *Manual.* Column: the device model.
devices-model = 裝置型號
# *Manual.* Column: the device ID.
devices-id = 裝置識別碼
# *Manual.* Column: when it was verified.
devices-verified = 認證時間
# *Manual.* Column: its state.
devices-state = 目前狀態
# *Manual.* Column: the actions.
devices-manage = 管理
# *Design.* No device yet.
devices-none = 尚無已認證之行動裝置。
# *Design.* Asked before a device is deleted (an attribute: no quotes).
devices-delete-confirm = 確定刪除此裝置？

## Letter requests (letter_request.html)

## News (news.html)
# *Manual.* Title of the news page.
news-page-title = 最新公告

## The account (password.html, profile.html, reset.html, services.html)
# *Manual.* Title of the password page and its service item.
password-title = 註冊密碼變更
# *Design.* Why the current password is asked.
password-current-note = 變更註冊密碼前，請再次輸入目前的註冊密碼。
# *Manual.* Label of the new password (password change).
password-new-enter = 請輸入新的註冊密碼
# *Manual.* Label of the confirmation (password change).
password-new-confirm = 再次確認註冊密碼
# *Manual.* Title of the profile page and its service item.
profile-title = 基本資料異動
# *Design.* When the current password is needed.
profile-current-note = 變更電子郵件信箱前，請再次輸入目前的註冊密碼(僅變更電話時免填)。
# *Manual.* Title of the password reset page.
page-title-reset = 健保卡網路服務註冊-重設註冊密碼
# *Manual.* Label of the new password (reset).
password-reset-enter = 請輸入新的註冊密碼
# *Manual.* Label of the confirmation (reset).
password-reset-confirm = 再次確認註冊密碼
# *Manual.* The app's password changes too.
reset-app-note = 若您已認證行動裝置，此密碼會同步變更。健保快易通、登入註冊密碼。
# *Manual.* Greeting after the holder's name.
services-welcome = 您好

## E-mail verification (verify_email.html)
# *Design.* Title of the e-mail verification page.
page-title-verify-email = 健保卡網路服務註冊-電子信箱認證
# *Design.* Title of the page of the letter confirming a new main e-mail address.
page-title-email-change = 健保卡網路服務註冊-電子郵件信箱變更確認
# *Design.* What to do.
verify-email-instruction = 插入健保卡後按【讀取】驗證健保卡，系統檢核正確後會帶出您的姓名，確認無誤後請按【確定】。

## Setup instructions (setup.html)
# *Manual.* Heading of the environment instructions.
setup-env-heading = 健保卡網路服務註冊 - 環境說明(Chrome、Firefox、Opera、Edge、Safari)
# *Manual.* Column: the manual.
setup-col-manual = 操作手冊
# *Manual.* Column: the instructions.
setup-col-download = 說明及元件下載點
# *Manual.* Column: the check.
setup-col-check = 檢測環境
# *Design.* What the card component is.
# $origin: the card component's origin, such as https://127.0.0.1:7777
setup-bridge-intro = 本系統透過本機的健保卡元件（twnhi bridge，開放原始碼）讀取健保卡，元件只在本機 { $origin } 提供服務，不需系統管理者權限，也不會安裝任何根憑證。
# *Design.* Windows; inline markup.
setup-windows-html = 作業系統：Windows — 需啟動「Smart Card(智慧卡)」服務；自<a href="#download">下載表</a>安裝元件（.msi）。
# *Design.* macOS; inline markup.
setup-mac-html = 作業系統(版本需為10.15以上)：Mac — 使用系統內建的智慧卡服務；自<a href="#download">下載表</a>安裝元件（.pkg）。
# *Design.* Linux; inline markup.
setup-linux-html = 作業系統：Linux — 自<a href="#download">下載表</a>安裝元件（.deb 或 .rpm，會一併安裝 pcscd）；登入時自動啟動。
# *Design.* Second step: the check.
setup-step-check = 元件啟動後，請按右方【檢測健保卡認證】確認連線狀態顯示綠色的「伺服器連線正常」。
# *Design.* Third step: restart the browser.
setup-step-restart = 以上步驟完成後，請關閉所有瀏覽器畫面，重新啟動瀏覽器即可開始使用本系統。
# *Manual.* Heading of the user instructions.
setup-manual-heading = 健保卡網路服務註冊使用說明
# *Design.* User instructions: apply.
setup-manual-1 = 申請：點選【首次登入請先申請】，詳閱管理作業要點後，插入健保卡按【讀取】，輸入戶號及戶籍鄉鎮里鄰，再設定註冊密碼、電話及 E-Mail，按【確認申請】。
# *Design.* User instructions: verify the address.
setup-manual-2 = 至電子郵件信箱開啟認證信，點選「進入電子信箱認證畫面」，插入健保卡按【讀取】後按【確定】。
# *Design.* User instructions: log in.
setup-manual-3 = 登入：插入健保卡，輸入註冊密碼後按【登入】；之後可進行行動裝置認證、行動裝置管理、註冊密碼變更及基本資料異動。
# *Design.* User instructions: the other links.
setup-manual-4 = 未收到認證信請使用【重寄認證信】；忘記密碼請使用【忘記註冊密碼】；不再使用請【刪除註冊申請】。
# *Design.* FAQ: no component.
setup-faq-bridge-q = 按【讀取】後出現「無法連線健保卡元件」？
# *Design.* FAQ: no component, answer.
setup-faq-bridge-a = 請確認 twnhi bridge 已執行，並於【檢測健保卡認證】頁面確認連線狀態。
# *Design.* FAQ: no letter.
setup-faq-letter-q = 收不到信？
# *Design.* FAQ: no letter, answer.
setup-faq-letter-a = 請檢查垃圾郵件匣；建議不要使用微軟 e-mail 信箱(如 hotmail, livemail...)。
# *Design.* FAQ: the app.
setup-faq-app-q = 行動裝置無法登入 APP？
# *Design.* FAQ: the app, answer.
setup-faq-app-a = 請至【行動裝置管理作業】確認裝置狀態為「啟用中」。
# *Design.* Column: the error code.
setup-col-code = 錯誤代碼
# *Manual.* Column: what it means.
setup-col-meaning = 說明
# *Design.* Column: what to do.
setup-col-action = 處理方式
# *Design.* Error 4061.
setup-error-4061 = 無法連線健保卡元件
# *Design.* What to do on 4061.
setup-fix-4061 = 啟動 twnhi bridge
# *Design.* Error 7001.
setup-error-7001 = PC/SC 智慧卡服務未執行
# *Design.* What to do on 7001.
setup-fix-7001 = 啟動智慧卡服務(pcscd)
# *Design.* Errors 7002 and 7003.
setup-error-7002 = 找不到讀卡機或讀卡機無法使用
# *Design.* What to do on 7002 and 7003.
setup-fix-7002 = 重新連接讀卡機
# *Design.* Error 7004.
setup-error-7004 = 未插入健保卡
# *Manual.* What to do on 7004.
setup-fix-7004 = 插入健保卡
# *Design.* Errors 8001 and 8002.
setup-error-8001 = 讀卡錯誤、讀取中卡片被移除
# *Design.* What to do on 8001, 8002, 8010 and 8011.
setup-fix-reinsert = 重新插入健保卡再試
# *Design.* Errors 8003 to 8008.
setup-error-8003 = 健保卡認證傳輸錯誤
# *Design.* What to do on 8003 to 8008.
setup-fix-8003 = 重新讀取；持續發生請確認使用本人健保卡
# *Design.* Errors 8010 and 8011.
setup-error-8010 = 讀取基本資料失敗
# *Design.* Error 8013.
setup-error-8013 = 無法存取卡片(非健保卡，或被其他程式占用)
# *Design.* What to do on 8013.
setup-fix-8013 = 關閉其他讀卡程式
# *Design.* Errors 8201 and 8202.
setup-error-8201 = 元件服務錯誤或不支援的功能
# *Design.* What to do on 8201 and 8202.
setup-fix-8201 = 更新元件
# *Design.* Errors 9001 and 9002.
setup-error-9001 = 簽章驗證失敗
# *Design.* What to do on 9001 and 9002.
setup-fix-9001 = 重新讀取
# *Design.* Error 9999.
setup-error-9999 = 不明的指令
# *Design.* What to do on 9999.
setup-fix-9999 = 更新網頁或元件

## The regulations (terms.html)
# *Manual.* Title of the regulations.
terms-title = 全民健康保險網路服務註冊管理作業要點
# *Design.* That the wording is a sample.
terms-disclaimer = 本要點為 twnhi 開放原始碼實作之示範條文，依使用說明整理，並非主管機關公告之正式條文。
# *Design.* Point 1: what the system is.
terms-1 = 本系統提供全民健康保險保險對象以本人健保卡及註冊密碼，申請使用本署各項網路服務。
# *Design.* Point 2: applying.
terms-2 = 申請註冊時，應使用本人健保卡，並輸入戶號及戶籍鄉鎮里鄰，經與本署留存資料比對相符後，始得申請。
# *Design.* Point 3: one registration, the password.
terms-3 = 每一身分證號(居留證號)以申請一組註冊為限。註冊密碼應妥善保存，勿告知他人，以避免資料遭他人盜用。
# *Design.* Point 4: the e-mail verification.
terms-4 = 申請後須至註冊之電子郵件信箱開啟認證信中的連結，完成電子郵件信箱認證後，始得登入使用。
# *Design.* Point 5: the app.
terms-5 = 註冊密碼同時為「全民健保行動快易通」APP 之登入密碼；行動裝置須經【行動裝置認證】並為啟用狀態，始得登入 APP。
# *Design.* Point 6: personal data.
terms-6 = 您提供之個人資料僅用於本系統之身分確認及通知，並依個人資料保護法規定辦理。
# *Design.* Point 7: cancelling and suspending.
terms-7 = 您可隨時線上申請刪除註冊；如需申請健保卡註冊停用，請持身分證及證明文件臨櫃辦理。

## Page titles, links and messages of the site's code (twnhi-web src)
# *Manual.* Page title of the regulations.
terms-page-title = 全民健康保險網路服務註冊管理作業要點
# *Design.* Title of the page that stops a cancellation.
page-title-cancel-stop = 健保卡網路服務註冊-停止刪除註冊
# *Manual.* Title of the resend page.
page-title-resend = 健保卡網路服務註冊-重寄認證信
# *Manual.* Title of the forgotten password page.
page-title-forgot = 健保卡網路服務註冊-忘記註冊密碼
# *Manual.* Button to the resend page.
button-resend = 重寄認證信
# *Manual.* Heading of the resend page's delivery choice.
resend-method = 選擇重寄認證信方式
# *Manual.* Resend to the registered address.
resend-method-registered = 重寄認證信
# *Manual.* Resend to a new address.
resend-method-new = 修改電子郵件信箱重寄認證信
# *Manual.* First instruction of the forgotten password page.
forgot-instruction = 請先進行健保卡註冊系統環境設定並安裝下載元件。
# *Manual.* Heading of the forgotten password page's delivery choice.
forgot-method = 選擇註冊密碼寄送方式
# *Manual.* Send the reset letter to the registered address.
forgot-method-registered = 寄送重設註冊密碼信
# *Manual.* Send the reset letter to a new address.
forgot-method-new = 修改電子郵件信箱寄送重設註冊密碼信
# *Design.* A request body over the limit.
request-too-large = 送出的資料過大。
# *Design.* An app API request that cannot be read.
request-malformed-fields = 要求格式錯誤，請確認欄位後重新送出。
# *Design.* A JSON body that cannot be read.
request-malformed = 要求格式錯誤。
# *Design.* A form that cannot be read.
form-malformed = 表單資料格式錯誤，請重新整理網頁後再試一次。
# *Design.* A form without a valid CSRF token or origin.
request-forbidden = 網頁已逾時或來源不明，請重新整理網頁後再試一次。
# *Design.* The rate limit was reached.
too-many-requests = 您的操作過於頻繁，請稍後再試。
# *Design.* A request that took too long.
request-timed-out = 請求逾時，請重新操作。
# *Design.* No such page.
page-not-found = 查無此網頁。
# *Design.* The audio of a captcha that is gone.
captcha-expired-page = 驗證碼已逾時，請重新整理網頁。
# *Design.* Login without a password.
password-required = 請輸入註冊密碼。
# *Design.* After the check of the cancellation page.
cancel-choose-method = 請選擇刪除認證信寄送方式，再按【送出刪除註冊】。
# *Design.* Demo mailbox: no such letter.
dev-letter-not-found = 查無此信件。
# *Design.* Demo card switcher: a person without registration.
dev-not-registered = 未註冊
# *Design.* Demo card switcher: the registration's state (RegistrationState), by its stable name.
dev-state-pending-email-verification = 待電子信箱認證
dev-state-active = 使用中
dev-state-suspended = 已停權
dev-state-cancellation-requested = 已申請刪除
dev-state-cancelled = 已刪除

## Errors of the site's set-up and of the app client (twnhi-web error.rs, settings.rs, client.rs); shown as "zh-TW / English"
# *Design.* Cookies without Secure asked for a site that is not plain http on loopback.
web-error-plain-http = 不加密的 http 僅限於本機 127.0.0.1 的展示使用
# *Design.* Secure cookies on a plain-http public URL.
web-error-insecure-cookies = 網站網址為 http，無法使用安全 Cookie；請使用 https，或僅於本機展示時使用不加密模式
# *Design.* The bridge origin is no origin.
web-error-bridge-origin = 健保卡元件網址格式錯誤，須為 http(s)://主機:連接埠
# *Design.* A limit out of range.
# $what: the setting
web-error-limit = 設定值超出範圍：{ $what }
# *Design.* The listening socket could not be opened.
# $addr: the address
# $source: the operating system's error
web-error-bind = 無法監聽 { $addr }
# *Design.* The server failed while running.
# $source: the operating system's error
web-error-serve = 網站服務錯誤
# *Design.* No random numbers.
web-error-random = 無法取得作業系統亂數
# *Design.* A file of the demo or the mailbox.
# $path: the file
# $source: the operating system's error
web-error-file = 檔案存取錯誤 { $path }
# *Design.* The configuration file cannot be read.
# $path: the file
# $source: the operating system's error
web-settings-read = 無法讀取設定檔 { $path }
# *Design.* The configuration file is not valid.
# $path: the file
# $source: the parser's error, with line and column
web-settings-syntax = 設定檔 { $path } 有誤
# *Design.* A required setting is missing (followed by how to give it).
# $key: the setting's key
web-settings-missing = 請設定 { $key }
# *Design.* A setting's value cannot be used.
# $key: the setting's key
# $reason: why
web-settings-invalid = { $key } 的值無效
# *Design.* How to give the public URL.
web-settings-hint-public-url = --public-url, TWNHI_PUBLIC_URL 或設定檔
# *Design.* How to give the place for letters.
web-settings-hint-mail = 請設定 smtp_url 或 mail_dir，信件才有去處
# *Design.* A number of minutes out of range.
# $value: the value given
web-settings-minutes = 須介於 1 至 1440 分鐘
# *Design.* The hotline setting is not three phone numbers.
web-settings-hotline-format = 須為以逗號分隔的三個電話號碼：免付費專線,不須加區碼的號碼,手機撥打的號碼(例如 0800-030-598,4128-678,02-4128-678)
# *Design.* The service links setting is not three addresses.
web-settings-service-links-format = 須為以空白分隔的三個網址(https:// 或 http://)：個人健康資料網路服務作業、健康存摺、全民健保行動快易通 APP
# *Design.* The database connections of one process are out of range.
# $value: the value given (number)
web-settings-database-connections = 須介於 1 至 1000
# *Design.* The outbox lease setting is out of range.
# $value: the value given (number)
web-settings-lease = 須介於 10 至 3600 秒
# *Design.* The statement timeout is out of range.
# $value: the value given (number)
web-settings-statement-timeout = 須介於 0 至 86400 秒
# *Design.* The app client's base URL.
client-error-url = 網址格式錯誤，僅支援 http://
# *Design.* The app client cannot connect.
# $source: the operating system's error
client-error-connect = 無法連線至網站
# *Design.* The HTTP exchange failed.
# $source: the HTTP library's error
client-error-http = HTTP 錯誤
# *Design.* An answer that is not the expected JSON.
# $status: the HTTP status
# $detail: what was wrong
client-error-unexpected = 回應格式錯誤
# *Design.* The TOTP parameters cannot make a code.
client-error-totp = 動態密碼參數錯誤

## The site's script (assets/site.js): embedded in every page as JSON

# *Design.* The card component does not answer.
site-js-unreachable = 無法連線健保卡元件，請確認元件已安裝並啟動（請參考系統設定須知）。
# *Design.* Reading the card took too long.
site-js-card-timeout = 讀取健保卡逾時，請重新插入健保卡後再試。
# *Design.* Anything else went wrong.
site-js-busy = 系統忙碌中，請稍後再試。
# *Design.* While the card is read.
site-js-reading-card = 讀取健保卡中，請稍候…
# *Design.* Card authentication succeeded.
site-js-card-verified = 健保卡驗證成功。
# *Design.* The check page: the component answers.
site-js-connection-ok = 伺服器連線正常
# *Design.* The check page: the component does not answer.
site-js-connection-failed = 伺服器連線 失敗
# *Design.* The check page: the card was read (label before the masked number).
site-js-card-read = 讀取健保卡成功
# *Design.* The check page: the card was verified (label before the masked number).
site-js-card-checked = 驗證健保卡成功
# *Design.* Which reader the page uses: the label before its name (after a card read, and
# the log-in page's 讀卡機 row).
site-js-reader = 讀卡機
# *Design.* Which card the page used: the label before its masked number, after a card read.
site-js-card-number = 健保卡號
# *Design.* The log-in page's 讀卡機 row: an NHI card is in the reader.
site-js-card-inserted = 已插入健保卡
# *Design.* The log-in page's 讀卡機 row: the reader holds no NHI card.
site-js-no-card = 未插入健保卡
# *Design.* The log-in page's 讀卡機 row: the component answers but sees no reader.
site-js-no-reader = 找不到讀卡機
