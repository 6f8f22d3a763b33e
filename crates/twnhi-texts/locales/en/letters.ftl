# Letters (twnhi-notify): subjects and texts of the e-mails, and the captcha's texts.

# *Design.* Subject of the e-mail-address-changed notice (not in the manual).
letter-subject-email-changed = National Health Insurance Administration Notice: E-mail Address of the Online Services of the NHI Card Changed
# *Design.* Subject of the password-changed notice (not in the manual).
letter-subject-password-changed = National Health Insurance Administration Notice: Password of the Online Services of the NHI Card Changed

## Captcha

# *Design.* The `alt` text of the captcha image: what it is, that an audio alternative exists; names no digit.
captcha-alt = Captcha: an image of digits. If you cannot read it, listen to the audio captcha.
# *Design.* What the audio captcha holds and what to do with it; names no digit.
captcha-audio-instructions = Audio captcha: after a chime, the digits are read in Mandarin; after another chime, the same digits are read in English, over background noise. Type the digits you hear, in order.
