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
