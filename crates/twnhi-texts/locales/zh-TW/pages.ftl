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
