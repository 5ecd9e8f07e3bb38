#!/bin/sh
# What `make test` needs besides Python packages: Chromium for the browser tests, CJK fonts so
# Chinese pages render (screenshots, layout checks), msgfmt (GNU gettext) for the catalogue,
# nginx, redis-server and openssl for the deployment and fault tests, Pango for WeasyPrint.
# Missing ones are installed when we are root with apt-get; otherwise we stop at once with
# the exact command to run, instead of failing or skipping tests half an hour later.
set -eu

CHROMIUM="${TAIZHANG_CHROMIUM:-/usr/bin/chromium}"

has_chromium() { [ -x "$CHROMIUM" ] || command -v "$CHROMIUM" >/dev/null 2>&1; }
has_cjk_fonts() {
  if command -v fc-list >/dev/null 2>&1; then
    fc-list 2>/dev/null | grep -qi "Noto Sans CJK"
  else
    ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1
  fi
}
has_msgfmt() { command -v msgfmt >/dev/null 2>&1; }
# The deployment and fault tests run a real nginx (with a self-signed certificate from openssl)
# and a redis-server of their own.
has_program() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
# WeasyPrint (the bulletin's PDF) lays out text with Pango.
has_pango() { ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; }

missing() {
  out=""
  has_chromium || out="$out chromium"
  has_cjk_fonts || out="$out fonts-noto-cjk"
  has_msgfmt || out="$out gettext"
  has_program nginx || out="$out nginx"
  has_program redis-server || out="$out redis-server"
  has_program openssl || out="$out openssl"
  has_pango || out="$out libpango-1.0-0 libpangoft2-1.0-0"
  echo "$out"
}

need=$(missing)
[ -z "$need" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "make test: installing what the tests need:$need"
  apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
  need=$(missing)
  [ -z "$need" ] && exit 0
fi

echo "make test needs:$need. Install them, then run make test again:" >&2
echo "  sudo apt-get update && sudo apt-get install -y$need" >&2
if [ "$CHROMIUM" != /usr/bin/chromium ]; then
  echo "(TAIZHANG_CHROMIUM=$CHROMIUM is where the tests look for Chromium)" >&2
fi
exit 1
