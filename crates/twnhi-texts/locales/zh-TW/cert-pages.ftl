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
# *Manual.* (四) The account line of 行動裝置認證.
# $account: the masked ID number, T22006****
cert-account-applied = 行動裝置帳號 { $account }【已申請】
# *Manual.* (六) Note 2 of 行動裝置管理作業.
cert-devices-same = 使用自然人憑證或健保卡進行綁定看到之行動裝置管理系統相同。
