# The site's accessibility texts (WCAG 2.1 AA): the skip link, the landmarks' names, the
# strength meter's level as text, the error summary.

# *Design.* The skip link, first on every page.
skip-to-content = Skip to main content
# *Design.* Name of the news ticker's landmark.
ticker-label = Latest news ticker
# *Design.* Before the strength meter's level, as text (a live region).
password-strength-level = Password strength:
# *Design.* The meter's level while the field is empty.
password-strength-none = nothing typed yet
# *Design.* Name of the system message box when it shows errors.
error-summary-label = Error messages
