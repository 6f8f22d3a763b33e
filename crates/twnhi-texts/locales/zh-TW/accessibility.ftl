# The site's accessibility texts (WCAG 2.1 AA): the skip link, the landmarks' names, the
# strength meter's level as text, the error summary.

# *Design.* The skip link, first on every page.
skip-to-content = 跳到主要內容
# *Design.* Name of the news ticker's landmark.
ticker-label = 最新消息跑馬燈
# *Design.* Before the strength meter's level, as text (a live region).
password-strength-level = 密碼強度：
# *Design.* The meter's level while the field is empty.
password-strength-none = 尚未輸入
# *Design.* Name of the system message box when it shows errors.
error-summary-label = 錯誤訊息
