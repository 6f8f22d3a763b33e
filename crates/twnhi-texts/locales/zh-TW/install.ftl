# Installing the card component: autostart at login and trusting the local CA in the
# browsers' NSS databases (twnhi-bridge's autostart and nss modules, `twnhi bridge autostart`,
# `twnhi bridge cert install|remove`, `twnhi generate`).

## Errors (`AutostartError`, `NssError`)

# *Design.* Neither HOME nor USERPROFILE is set.
bridge-autostart-no-home = 找不到使用者的家目錄（未設定 HOME）
# *Design.* The unit or plist file could not be written or removed.
# $path: the file
# $source: the operating system's error
bridge-autostart-file = 無法寫入或刪除 { $path }（{ $source }）
# *Design.* systemctl, launchctl or reg failed.
# $command: the command line
# $detail: its exit status and error output
bridge-autostart-command = 執行 `{ $command }` 失敗（{ $detail }）
# *Design.* certutil (libnss3-tools) is missing.
bridge-nss-no-certutil = 未安裝 certutil（Debian / Ubuntu：sudo apt-get install libnss3-tools；Fedora：sudo dnf install nss-tools）
# *Design.* certutil failed on one database.
# $db: the database directory
# $detail: its exit status and error output
bridge-nss-certutil = certutil 處理憑證資料庫 { $db } 失敗（{ $detail }）

## `twnhi bridge autostart`

# *Design.* Autostart turned on.
# $how: the mechanism, e.g. "systemctl --user enable --now twnhi-bridge.service"
cli-autostart-on = 健保卡元件已設定為登入時自動啟動（{ $how }）。
# *Design.* Autostart turned off.
# $how: the mechanism
cli-autostart-off = 健保卡元件已不再自動啟動（{ $how }）。
# *Design.* No autostart mechanism for this OS.
cli-autostart-unsupported = 本系統不支援自動啟動。

## `twnhi bridge cert install|remove`

# *Design.* Result for one database: the CA was added.
cli-nss-added = 已信任
# *Design.* Result for one database: the CA was there already.
cli-nss-already = 已在信任清單
# *Design.* Result for one database: the CA was removed.
cli-nss-removed = 已移除
# *Design.* Result for one database: there was nothing to remove.
cli-nss-absent = 無此憑證
# *Design.* The shared NSS database's browsers.
cli-nss-shared = Chrome / Chromium
# *Design.* A Firefox profile's database.
cli-nss-firefox = Firefox
# *Design.* After a change.
cli-nss-restart = 請重新啟動瀏覽器，變更才會生效。

## `twnhi generate`

# *Design.* Files written by `twnhi generate man|completions`.
# $count: number of files
# $dir: the directory
cli-generate-wrote = 已寫入 { $count } 個檔案至 { $dir }

## The help of these commands (see cli-help.ftl for the scheme)

# *Design.* `twnhi bridge autostart`.
cli-help-bridge-autostart = 設定健保卡元件於登入時自動啟動，或取消
    .label = 自動啟動
    .long =
        設定健保卡元件於登入時自動啟動，或取消

        Linux：systemd 使用者服務（安裝套件時已為每位使用者設定；未安裝套件時寫入
        ~/.config/systemd/user/twnhi-bridge.service）。macOS：~/Library/LaunchAgents 中的
        LaunchAgent。Windows：使用者登錄檔 Run 機碼中的一個值。
# *Design.* `twnhi bridge autostart on`.
cli-help-bridge-autostart-on = 每次登入時啟動健保卡元件，並立即啟動
# *Design.* `twnhi bridge autostart off`.
cli-help-bridge-autostart-off = 登入時不再啟動健保卡元件，並停止它
# *Design.* `twnhi bridge cert install`.
cli-help-bridge-cert-install = 讓 Chrome/Chromium（~/.pki/nssdb）與每個 Firefox 設定檔信任本機 CA；尚無 CA 時先建立（需要 certutil）
    .label = 信任
# *Design.* `twnhi bridge cert remove`.
cli-help-bridge-cert-remove = 從 Chrome/Chromium 與每個 Firefox 設定檔移除本機 CA
    .label = 移除
# *Design.* `twnhi generate` (hidden; for packaging).
cli-help-generate = 產生手冊頁與 shell 自動完成檔，供建置套件使用
# *Design.* `twnhi generate man`.
cli-help-generate-man = 將手冊頁（twnhi.1 及每個子命令各一頁）寫入 DIR
# *Design.* `twnhi generate completions`.
cli-help-generate-completions = 將 bash、zsh 與 fish 的自動完成檔寫入 DIR
# *Design.* `twnhi generate man|completions`: argument `dir`.
cli-help-generate--dir = 要寫入的目錄（不存在時建立）
# *Design.* `twnhi serve`: argument `release-sums`.
cli-help-serve--release-sums = 健保卡元件發行版的 SHA256SUMS 檔：系統設定須知頁列出其中的檔案與 SHA-256 驗證碼（docs/install.md）
    .label = 發行版驗證碼
# *Design.* `twnhi serve`: argument `release-url`.
cli-help-serve--release-url = 發行版檔案的下載位置，例如 https://github.com/twnhi/twnhi/releases/download/v0.1.0/
    .label = 發行版位置
