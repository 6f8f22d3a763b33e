# Pages of the registration site (twnhi-web templates): `{{ zh("id") }}` and `{{ en("id") }}`
# show a text in the page's two languages. Texts are element content: `&`, `<` and `>`
# are escaped when shown, quotes are kept.

## Every page (base.html)

# *Manual.* The system's name (header, page titles).
site-name = NHI Card Online Services Registration
# *Design.* The one-character logo of the header.
site-logo = NHI
# *Manual.* The organisation in the header.
org-name = NATIONAL HEALTH INSURANCE ADMINISTRATION MINISTRY OF HEALTH AND WELFARE
# *Design.* The demo banner.
demo-banner = Demo mode: synthetic data and simulated NHI cards, served over plain http on 127.0.0.1 only — do not enter real personal data.
# *Design.* Demo banner link to the card switcher.
demo-switch-card = Switch card
# *Design.* Demo banner link to the mailbox.
demo-mailbox = Mailbox
# *Design.* Label of the logged-in navigation.
nav-user = User
# *Manual.* Navigation: the service items.
nav-services = Service items
# *Manual.* Navigation: log out.
nav-logout = Logout
# *Design.* Shown outside the service hours.
closed-notice = The system is outside its operating hours; forms are not accepted now.
# *Manual.* Footer link to the setup instructions.
footer-setup = System Setting Instructions
# *Manual.* Footer link to the news.
footer-news = Latest News
# *Manual.* Footer link to the login page.
footer-login = Login
# *Design.* What this site is.
footer-about = an open-source rebuild; not the official NHIA service.

## The login page (login.html)

# *Manual.* Heading of the login panel.
login-title = LOGIN
# *Manual.* Environment: the browser.
env-browser = Browser
# *Manual.* Environment: the operating system.
env-os = Operating System
# *Manual.* Label of the password field.
field-password = Registration Password
# *Manual.* The prompt under the login form (the page's wording of the button: "LOG IN").
login-prompt-page = Please insert the NHI card. Enter the password and click "LOG IN"
# *Manual.* The button that clears a form.
button-clear = CLEAR
# *Manual.* The login button.
button-login = LOG IN
# *Manual.* Login page link to /apply.
link-apply = REGISTER FOR NEW ACCOUNT
# *Manual.* Login page link to /resend.
link-resend = RESEND VERIFICATION EMAIL
# *Manual.* Login page link to /forgot-password.
link-forgot = FORGOT YOUR PASSWORD?
# *Manual.* Login page link to /cancel.
link-cancel = CANCEL REGISTRATION
# *Spec.* The suspension note of the login page, with where to go.
suspension-note-page = To apply for suspension of the NHI Card Online Services, please bring your identification to the regional division and the liaison office of NHIA.
# *Manual.* Heading of the news panel.
news-title = LATEST NEWS
# *Design.* No announcement to list.
news-none = No announcements.
# *Design.* Link to every announcement.
news-more = More news
# *Manual.* Heading of the service items panel.
services-title = SERVICE ITEMS
# *Manual.* Service item /device/verify.
service-device-verify = MOBILE DEVICE VERIFICATION
# *Manual.* Service item /profile.
service-profile = INFORMATION ALTERATION
# *Manual.* Service item /devices.
service-devices = MOBILE DEVICE MANAGEMENT
# *Manual.* Service item /password.
service-password = CHANGE PASSWORD
# *Manual.* Heading of the setup instructions.
setup-title = System Setting Instructions
# *Manual.* Setup instruction /setup#environment.
setup-environment = Computer Environment Instruction
# *Manual.* Setup instruction /setup#manual.
setup-manual = NHI Card Online Services Registration Instruction
# *Manual.* Setup instruction /setup#faq.
setup-faq = FAQ
# *Manual.* Setup instruction /setup#errors.
setup-errors = Instruction for errors
# *Manual.* Link to the environment check.
setup-check = Check the NHI card component
