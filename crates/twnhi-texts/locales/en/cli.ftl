# The command line (twnhi-cli): its messages. The CLI prints both languages on one line.

## Every command

cli-error = error
cli-internal-error = internal error, please report it
cli-runtime = cannot start the runtime
cli-async-runtime = cannot start the async runtime
cli-cannot-read = cannot read { $path }
cli-cannot-write = cannot write { $path }
cli-stdout = cannot write to stdout

## twnhi notify

cli-sent = sent

## twnhi serve

cli-mail-settings = unsupported mail settings
cli-sam-key-file = SAM key file
cli-server-key-file = server key file
cli-database = database
cli-database-read-only = the database cannot be written (read-only, no permission or disk full)
cli-serve-title = twnhi serve
cli-listening-on = listening on

## twnhi admin

cli-admin-runtime = cannot start the runtime
cli-cannot-create-dir = cannot create { $path }
cli-imported = imported
cli-registration = registration
cli-id-number = ID
cli-state = state
cli-applied = applied
cli-verified = verified
cli-cancelled = cancelled
cli-mobile = mobile
cli-device = device
cli-letter = letter
cli-audit-trail = audit trail
cli-outbox = outbox
cli-bad-letter-id = malformed letter identifier
cli-no-letter-to-requeue = no such letter to send again (unknown, not given up, or its contents were wiped)
cli-requeued = requeued
