# Letters' transport, links, QR codes and captcha (twnhi-notify): its error messages.

## Letters

notify-unknown-letter = no such letter (confirmation, completion, password-reset, cancellation, cancellation-notice, deleted, email-change, email-changed, password-changed)
notify-letter-template = a letter template failed
notify-preview-sample = invalid sample data
notify-preview-io = cannot write the file { $path }

## Composing and sending

notify-invalid-address = invalid e-mail address: { $address }
notify-invalid-message-id = invalid Message-ID
notify-compose-build = the e-mail message could not be built
notify-mail-rejected = the mail server refused the message ({ $code }): { $message }
notify-mail-transient = the mail server is temporarily unavailable ({ $code }): { $message }
notify-mail-timeout = the mail server did not answer within { $after }
notify-mail-connect = cannot connect to the mail server
notify-mail-tls = the encrypted connection to the mail server failed
notify-mail-auth = the mail server refused the credentials
notify-mail-protocol = mail protocol error
notify-mail-io = cannot write the mail file { $path }
notify-mail-simulated = simulated delivery failure

## SMTP settings

notify-smtp-url = the SMTP URL is not valid
notify-smtp-scheme = the SMTP URL must start with smtp:// or smtps://
notify-smtp-host = the SMTP URL has no host
notify-smtp-plain = plain SMTP is only allowed to the loopback (127.0.0.1, ::1, localhost)
notify-smtp-param = bad SMTP URL parameter: { $detail }
notify-smtp-root-cert = the root certificate is not valid PEM
notify-smtp-tls = TLS could not be set up

## Links

notify-base-url-invalid = the public base URL is not a valid absolute URL
notify-base-url-scheme = the public base URL must use http or https
notify-base-url-parts = the public base URL must not contain credentials, a query or a fragment
notify-link-token = the link token is malformed
notify-email-code = the e-mail verification code is malformed

## Images and captcha

notify-qr-too-long = the QR code payload is too long
notify-qr-empty = the QR code payload is empty
notify-qr-size = invalid QR code image size
notify-png = the PNG image could not be encoded
notify-captcha-digits = the captcha must be 5 digits
notify-captcha-audio = the audio captcha could not be made
