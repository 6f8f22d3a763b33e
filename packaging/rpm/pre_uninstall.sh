# %preun of the twnhi RPM: on removal ($1 = 0, not on upgrade) disable the user unit for
# every user, as %systemd_user_preun does. Never fails.
if [ "$1" -eq 0 ] && command -v systemctl >/dev/null 2>&1; then
    systemctl --global disable twnhi-bridge.service >/dev/null 2>&1 || :
fi
:
