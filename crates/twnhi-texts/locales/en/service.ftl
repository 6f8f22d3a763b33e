# The use cases and their ports (twnhi-service), the one-command demo (twnhi-demo) and the
# storage adapters. Arguments are documented in zh-TW/service.ftl.

## Key files and the SAM (twnhi-service)

service-key-file-io = cannot read or create the key file { $path }: { $source }
service-key-file-permissions = the key file { $path } is accessible to others (mode { $mode }); run chmod 600
service-key-file-format = the key file { $path } must hold { $len } bytes in hex
service-random-unavailable = the operating system's random source failed
service-sam-unavailable = the SAM is unavailable: { $reason }

## The demo (twnhi-demo)

demo-error-file = cannot read or write { $path }: { $source }
demo-error-bind = cannot listen on { $addr }: { $source }
demo-error-not-loopback = the demo serves plain http on loopback addresses only ({ $addr } is not one)
demo-error-random = the system's random numbers are unavailable

## The storage adapters

store-import-two-valid-cards = ID number { $id } would have two valid cards
