#!/usr/bin/env bash
# Tools some tests drive, from Debian's packages: chromium (browser tests through Playwright, no browser
# download), poppler-utils (pdftoppm/pdftotext for the report tests), and libvoikko1 + voikko-fi (Finnish
# base forms and compound words for search; without them kasvu falls back to Snowball stems), hunspell-sv
# (its Swedish word list splits Swedish compounds for search: "barnskyddsanmälningar" → barnskydd + anmälning). Installed when missing and we may
# (root with apt-get); otherwise the tests that need them say they were skipped.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q 'libvoikko\.so\.1' || missing+=(libvoikko1)
[ -d /usr/lib/voikko ] || [ -d /usr/share/voikko ] || missing+=(voikko-fi)
[ -f /usr/share/hunspell/sv_SE.dic ] || [ -f /usr/share/hunspell/sv_FI.dic ] || missing+=(hunspell-sv)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} for the tests ..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1 && exit 0
fi
echo "!! not available: ${missing[*]}: the tests that need them will be SKIPPED"
exit 0
