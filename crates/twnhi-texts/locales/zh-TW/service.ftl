# The use cases and their ports (twnhi-service), the one-command demo (twnhi-demo) and the
# storage adapters (twnhi-store-sqlite, twnhi-store-postgres): errors shown in logs and by the
# CLI as zh-TW / English.

## Key files and the SAM (twnhi-service)

# *Design.* A key file cannot be read or created.
# $path: the file
# $source: the operating system's error
service-key-file-io = 無法讀寫金鑰檔 { $path }
# *Design.* Group or others may access a key file.
# $path: the file
# $mode: its permission bits in octal, 644
service-key-file-permissions = 金鑰檔 { $path } 權限過寬({ $mode })，請執行 chmod 600
# *Design.* A key file does not hold one line of hex digits of the right length.
# $path: the file
# $len: the number of bytes expected
service-key-file-format = 金鑰檔 { $path } 格式錯誤(應為 { $len } 位元組的十六進位)
# *Design.* The operating system's random source failed.
service-random-unavailable = 無法取得作業系統亂數
# *Design.* The secure access module is not reachable.
# $reason: why (no key material)
service-sam-unavailable = 安全存取模組無法使用

## The demo (twnhi-demo)

# *Design.* A file or directory of the data directory cannot be read or written.
# $path: the path
# $source: the operating system's error
demo-error-file = 無法讀寫 { $path }
# *Design.* An address cannot be bound.
# $addr: the address
# $source: the operating system's error
demo-error-bind = 無法使用位址 { $addr }
# *Design.* The demo serves plain http, so only on a loopback address.
# $addr: the address asked for
demo-error-not-loopback = 展示僅能在本機位址提供（{ $addr } 不是）
# *Design.* The operating system's random numbers are unavailable.
demo-error-random = 無法取得亂數

## The storage adapters

# *Design.* Importing the registry would give one person two valid cards.
# $id: the ID number, masked, A12****789
store-import-two-valid-cards = 身分證號 { $id } 將有兩張有效的健保卡
