# Letters (twnhi-notify): subjects and texts of the e-mails, and the captcha's texts.

# *Design.* Subject of the e-mail-address-changed notice (not in the manual).
letter-subject-email-changed = 衛生福利部中央健康保險署-健保卡網路服務註冊-電子郵件信箱變更通知
# *Design.* Subject of the password-changed notice (not in the manual).
letter-subject-password-changed = 衛生福利部中央健康保險署-健保卡網路服務註冊-註冊密碼變更通知

## Captcha

# *Design.* The `alt` text of the captcha image: what it is, that an audio alternative exists; names no digit.
captcha-alt = 圖片驗證碼（數字）。若無法辨識圖片，請改聽語音驗證碼。
# *Design.* What the audio captcha holds and what to do with it; names no digit.
captcha-audio-instructions = 語音驗證碼：提示音後先以國語念出數字，再響提示音後以英語念出同樣的數字，背景有雜音。請依序輸入您聽到的數字。
