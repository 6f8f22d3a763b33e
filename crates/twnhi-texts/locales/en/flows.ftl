# The forms as people meet them (issue 11). Arguments are documented in zh-TW/flows.ftl.

## Cancellation request: empty fields

captcha-empty = Please enter the image verification code.
email-code-empty = Please enter the verification code of the cancellation confirmation letter.

## Outside the service hours

service-closed-now = The service is closed now.
