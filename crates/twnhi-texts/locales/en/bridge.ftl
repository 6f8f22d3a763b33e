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
