#!/usr/bin/env bash
# Browser tests drive Debian's chromium with Playwright (no browser download). Install it when missing
# and we may (root with apt-get); otherwise say that browser tests will be skipped.
set -u
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests ..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 && exit 0
fi
echo "!! chromium not available: browser tests will be SKIPPED"
exit 0
