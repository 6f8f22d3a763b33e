# The citizen certificate login (自然人憑證, manual §六) on the server: the answers of the
# use cases and the texts of its pages. *Manual.* texts are quoted from the manual verbatim.

## Answers of the certificate login (twnhi-service)

# *Design.* One answer for every refusal of the certificate login (certificate, signature,
# ID number, birth date): a stranger learns nothing about the person.
cert-login-failed = 自然人憑證登入失敗，請確認插入的是您本人的自然人憑證，並檢查身分證號、出生日期及憑證 pin 碼後重新登入。
# *Design.* The challenge the certificate signs is unknown, used or expired.
cert-challenge-expired = 自然人憑證驗證逾時，請重新登入。
# *Design.* A page of the certificate path reached without a certificate login.
cert-login-required = 請先使用自然人憑證登入。
# *Design.* The identity-confirmation service (MOICA) did not answer.
service-identity-check-unavailable = 無法向憑證管理中心確認身分

## The pages (manual §六)

# *Manual.* (一) The login instruction.
cert-login-instruction = 插入自然人憑證後，輸入身分證號、出生日期及憑證 pin 碼按【確認】鈕登入。
# *Manual.* The login method shown in the header.
cert-login-method = 登入方式:自然人憑證
# *Manual.* The login page's title (個人健保資料網路服務作業).
cert-login-title = 個人健保資料網路服務作業
# *Manual.* Field labels of the login.
cert-id-number = 身分證號
cert-birth-date = 出生日期
cert-pin = 憑證 pin 碼
cert-confirm = 確認
# *Manual.* (二) The module and its items.
cert-module = 行動裝置作業
cert-menu-apply = 行動裝置帳號申請
cert-menu-renew = 行動裝置續領申請
cert-menu-device-code = 行動裝置認證
cert-menu-devices = 行動裝置管理作業
cert-menu-profile = 基本資料變更
cert-menu-password = 行動裝置密碼變更
# *Manual.* (三) The note of 行動裝置帳號申請.
cert-apply-note = 注意事項：若您已申請【健保卡網路服務】，系統將會一併變更登入註冊密碼。
# *Manual.* (四) The account of 行動裝置認證 in a certificate session, beside 「* 行動裝置帳號」: 「行動裝置帳號 T22006****【已申請】」.
# $account: the masked ID number, T22006****
cert-account-applied = { $account }【已申請】
# *Manual.* (六) Note 2 of 行動裝置管理作業.
cert-devices-same = 使用自然人憑證或健保卡進行綁定看到之行動裝置管理系統相同。
# *Manual.* (四) The menu of the module, the login method.
cert-login-method-label = 登入方式
cert-login-method-name = 自然人憑證
# *Design.* The page of 行動裝置作業 when the certificate login is not configured.
cert-not-configured = 本網站尚未設定自然人憑證登入，請改用健保卡登入。
# *Design.* Under the PIN field: where the PIN goes.
cert-pin-note = 憑證 pin 碼只送到您電腦上的健保卡元件，不會傳送到本網站。
# *Design.* Under the birth date field.
cert-birth-date-note = 民國年月日（例：079/01/01）或西元（例：1990-01-01）
# *Design.* A field of the login left empty.
cert-fields-required = 請輸入身分證號、出生日期及憑證 pin 碼。
# *Design.* While the card signs and the site checks.
cert-working = 自然人憑證驗證中，請稍候…
# *Design.* The certificate card holds no signing certificate.
cert-no-certificate = 讀不到自然人憑證的簽章憑證，請確認憑證卡已插入讀卡機。
# *Design.* The page needs its script (the bridge is reached from the page).
cert-script-required = 自然人憑證登入需要啟用瀏覽器的 JavaScript。
# *Design.* 行動裝置續領申請: what it does.
cert-renew-note = 行動裝置帳號已申請者，可於此重新設定聯絡資料及註冊密碼後續領使用。
# *Design.* The module's page: the person logged in.
cert-welcome = 您好，請由下列項目選擇行動裝置作業。
# *Design.* Settings: trust anchors are needed when other certificate files are given.
web-settings-hint-cert-trust = 已設定憑證中繼、廢止清冊或身分對照檔，但未設定信任錨點（--cert-trust）
# *Manual.* (三) The password rows of 行動裝置帳號申請.
cert-password-enter = 請輸入密碼
cert-strong-password = 強式密碼包含英文大寫、英文小寫、數字、特殊符號(如~!@#$%^&*)混合並且長度8碼以上
# *Design.* The login method of a session that logged in with the NHI card.
cert-login-method-card = 健保卡
# *Design.* /dev/cards (demo only): each person's NHI card goes in with a simulated citizen
# certificate card (自然人憑證) whose PIN follows.
dev-cert-notice = 插入健保卡時，同一人的模擬自然人憑證也一併插入（/cert/login）；憑證 pin 碼：
