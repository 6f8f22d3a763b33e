# The local NHI card component (twnhi-bridge): errors of the bridge itself, of its settings
# and of the JSON protocol. Arguments are documented in zh-TW/bridge.ftl.

## The bridge could not start or serve (`BridgeError`)

bridge-error-bind = cannot listen on { $addr }: { $source }
bridge-error-serve = the server failed: { $source }
bridge-error-runtime = cannot start the runtime: { $source }
bridge-error-file = cannot access { $path }: { $source }
bridge-error-pem = { $what } is not usable: { $detail }
bridge-error-tls = TLS configuration refused: { $source }
bridge-error-cert-gen = cannot generate the certificate: { $source }
bridge-error-config = configuration error: { $reason }

## Invalid configuration values (`ConfigError`)

bridge-config-origin = origin `{ $origin }` is not of the form https://host[:port]
bridge-config-host = host `{ $host }` is not a host name or IP address
bridge-config-range = { $name } must be between { $min } and { $max }
bridge-config-ping-interval = ws_ping_interval must be shorter than ws_idle_timeout

## The settings file and flags (`SettingsError`)

bridge-settings-read = cannot read the configuration file { $path }: { $source }
bridge-settings-syntax = the configuration file { $path } is invalid: { $source }
bridge-settings-invalid = bad value of { $key }: { $reason }
bridge-settings-tls-pair = tls_cert and tls_key go together
bridge-settings-seconds = must be a number of seconds ≥ 0 (got { $value })

## The JSON protocol (code 9999 unless said otherwise)

bridge-busy = too many clients are connected; try again later
bridge-request-not-json = the request is not JSON
bridge-request-not-object = the request must be a JSON object
bridge-request-bad-id = missing id, or id is not a number or a string of at most 128 characters
bridge-request-no-type = missing request type
bridge-request-bad-reader = reader must be a reader name (a string)
bridge-request-no-au = missing au (64 hex digits)
bridge-request-unknown-type = unknown request type `{ $type }`
bridge-request-bad-au = au must be 32 bytes (64 hex digits)
bridge-request-binary = send JSON in text messages
bridge-request-bad-reader-name = bad reader name
bridge-internal-error = internal error

## Plain-text answers of the HTTP server (zh-TW / English on one line)

bridge-http-not-found = not found
bridge-http-host-refused = host name not allowed
bridge-http-origin-refused = origin not allowed

## The check page at `/` (assets/index.html and assets/check.js)

bridge-check-title = NHI Card Check
bridge-check-lead = This page checks that your browser reaches the local NHI card component (twnhi bridge).
    Insert your NHI card, then press "Read card" and "Verify card".
bridge-check-read = Read card
bridge-check-verify = Verify card
bridge-check-clear = Clear
bridge-check-browser = Browser
bridge-check-os = OS
bridge-check-supported = Supported
bridge-check-reader = Reader
bridge-check-reply = Reply
bridge-check-status = Connection status
bridge-check-connecting = connecting…
bridge-check-needs-script = This page needs JavaScript.
bridge-check-help = If the connection fails
bridge-check-help-running-html = Check that the component runs: <code>systemctl --user status twnhi-bridge</code>, or run <code>twnhi bridge</code> in a terminal.
bridge-check-help-pcscd-html = Check that the smart-card service runs: <code>systemctl status pcscd</code> (error 7001).
bridge-check-help-cert-html = For https sites, install the local certificate: <code>twnhi bridge cert</code>.
bridge-check-connected = Connected to server
bridge-check-disconnected = Connection to server failed
bridge-check-supported-yes = supported
bridge-check-supported-no = not supported: use another browser
bridge-check-reading = reading…
bridge-check-verifying = verifying…
bridge-check-basic = Read: card { $card }, ID { $id }, name { $name }, born (ROC) { $birth }
bridge-check-sex-m = M
bridge-check-sex-f = F
bridge-check-challenge = The card answers the authentication challenge (card { $card }). The site's server completes the verification.
bridge-check-no-reader = no card reader
bridge-check-reader-card = { $reader } ({ $card })
bridge-check-reader-separator = {"; "}
bridge-check-card-nhi = NHI card
bridge-check-card-other = other card
bridge-check-card-none = no card
bridge-check-error = { $message } (error { $code })
bridge-check-code-4061 = the card component cannot be reached
bridge-check-code-7001 = the smart-card service (PC/SC) is not running
bridge-check-code-7002 = no card reader found
bridge-check-code-7003 = the card reader cannot be accessed
bridge-check-code-7004 = no card inserted
bridge-check-code-8001 = card read failed
bridge-check-code-8002 = the card was removed during the read
bridge-check-code-8003 = card authentication error (challenge)
bridge-check-code-8004 = card authentication error
bridge-check-code-8005 = the card id cannot be read
bridge-check-code-8006 = card authentication failed
bridge-check-code-8010 = basic data read failed
bridge-check-code-8011 = basic data is malformed
bridge-check-code-8013 = cannot access the card (not an NHI card, or in use)
bridge-check-code-8201 = not supported by this component
bridge-check-code-9999 = unknown command
bridge-check-code-other = error
