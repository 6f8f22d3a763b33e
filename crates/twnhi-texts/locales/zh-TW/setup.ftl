# The setup page (/setup, templates/setup.html): the card component's download table per
# operating system, with SHA-256 sums of the release files, install and removal steps, and
# what to do when the check page shows 「伺服器連線失敗」.

# *Design.* Link from the environment table to the download section.
setup-dl-link = 下載健保卡元件
# *Design.* Heading of the download section.
setup-dl-heading = 下載健保卡元件
# *Design.* Verify before installing.
setup-dl-intro = 安裝前請以 SHA-256 驗證碼核對每個檔案（Linux：sha256sum 檔名；macOS：shasum -a 256 檔名；Windows PowerShell：Get-FileHash 檔名）。
# *Design.* Column: operating system.
setup-dl-col-os = 作業系統
# *Design.* Column: file name (link) and its SHA-256.
setup-dl-col-file = 元件安裝檔與 SHA-256 驗證碼
# *Design.* Column: how to install.
setup-dl-col-install = 安裝
# *Design.* Column: how to remove.
setup-dl-col-remove = 移除
# *Design.* OS row.
setup-dl-windows = Windows 10 / 11
# *Design.* OS row; the manual: 作業系統(版本需為10.15以上)：Mac.
setup-dl-mac = macOS（版本需為10.15以上）
# *Design.* OS row.
setup-dl-debian = Linux：Debian / Ubuntu
# *Design.* OS row.
setup-dl-fedora = Linux：Fedora / openSUSE
# *Design.* Windows install steps; inline markup: <code>.
setup-dl-windows-install-html = 執行 <code>.msi</code>（需系統管理者權限）。安裝後元件會立即啟動，之後每次登入自動啟動，並在「開始」功能表加入檢測頁。<code>.zip</code> 只含 <code>twnhi.exe</code>：解壓縮後執行 <code>twnhi.exe bridge autostart on</code>。
# *Design.* macOS install steps; inline markup: <code>.
setup-dl-mac-install-html = 開啟 <code>.pkg</code>（先將 <code>.zip</code> 解壓縮）並依安裝程式指示操作（需系統管理者權限）。元件會立即啟動，之後每次登入自動啟動；macOS 13 以上請在「系統設定 → 一般 → 登入項目」允許它。
# *Design.* Debian/Ubuntu install steps; inline markup: <code>.
setup-dl-debian-install-html = <code>sudo apt install ./twnhi_…_amd64.deb</code>（會一併安裝 pcscd）；元件於下次登入時啟動，或以 <code>systemctl --user start twnhi-bridge</code> 立即啟動。
# *Design.* Fedora install steps; inline markup: <code>.
setup-dl-fedora-install-html = <code>sudo dnf install ./twnhi-….rpm</code>，再執行 <code>sudo systemctl enable --now pcscd.socket</code>；元件於下次登入時啟動。
# *Design.* Windows removal.
setup-dl-windows-remove = 設定 → 應用程式 → twnhi bridge → 解除安裝。
# *Design.* macOS removal; inline markup: <code>.
setup-dl-mac-remove-html = 開啟元件移除安裝檔 <code>.pkg</code>（twnhi-bridge-remove），或執行 <code>sudo /usr/local/share/twnhi/uninstall.sh</code>。
# *Design.* Debian removal; inline markup: <code>.
setup-dl-debian-remove-html = <code>sudo apt purge twnhi</code>
# *Design.* Fedora removal; inline markup: <code>.
setup-dl-fedora-remove-html = <code>sudo dnf remove twnhi</code>
# *Design.* No release configured (no `release_sums` setting, or the file cannot be read).
setup-dl-none = 本網站未設定健保卡元件的安裝檔，因此無檔案可供下載。請自原始碼安裝（cargo install --locked --path crates/twnhi-cli，再執行 twnhi bridge autostart on），或洽詢網站管理者。
# *Design.* Link to the release's SHA256SUMS file; inline markup: the link.
# $url: the SHA256SUMS file's URL
setup-dl-sums-html = 全部驗證碼：<a href="{ $url }">SHA256SUMS</a>
# *Design.* Heading: what to do when the check page fails; the status text is the manual's.
setup-fail-heading = 檢測頁顯示「伺服器連線失敗」時
# *Design.* Common causes.
setup-fail-intro = 瀏覽器無法連線至本機的健保卡元件。請先確認沒有其他程式（例如官方元件）使用 7777 連接埠；瀏覽器詢問是否允許「存取區域網路」時請允許。
# *Design.* Windows.
setup-fail-windows = Windows：工作管理員的「詳細資料」中應有 twnhi.exe，「啟動應用程式」中的「twnhi bridge」應為已啟用。可從「開始」功能表啟動，或重新安裝 .msi。
# *Design.* macOS; inline markup: <code>.
setup-fail-mac-html = macOS：在「終端機」執行 <code>launchctl print gui/$(id -u)/io.github.twnhi.bridge</code> 應顯示此元件；否則請在「登入項目」允許它，或重新安裝 .pkg。
# *Design.* Linux; inline markup: <code>.
setup-fail-linux-html = Linux：<code>systemctl --user status twnhi-bridge</code> 應顯示「active (running)」；否則執行 <code>systemctl --user start twnhi-bridge</code>（若已遮蔽，先執行 <code>systemctl --user unmask twnhi-bridge</code>），並查看 <code>journalctl --user -u twnhi-bridge</code>。
