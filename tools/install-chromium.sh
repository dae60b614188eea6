#!/bin/sh
# Install Debian's chromium (and a CJK font, so Chinese text renders in screenshots) for the
# console's browser tests, when it is missing and we may: as root, with apt-get. Anything else
# is a no-op with a note; the browser tests then skip and say why. Safe to call from `make test`.
set -eu
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: /usr/bin/chromium is missing and this is not root on Debian;" \
    "the browser tests will skip (install the 'chromium' package to run them)" >&2
  exit 0
fi
echo "install-chromium: installing Debian's chromium for the browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
