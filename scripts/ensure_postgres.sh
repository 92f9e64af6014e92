#!/usr/bin/env bash
# Make sure a PostgreSQL server answers at the URL given (default loopback, trust auth).
# Starts the local cluster, or installs Debian's postgresql package when running as root.
# Exits 0 when a server answers, 1 otherwise (the caller then says the run was skipped).
set -u
url="${1:-postgresql://postgres@127.0.0.1:5432/test}"
py=".venv/bin/python"
answers() { "$py" - "$url" <<'PY' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
}
answers && exit 0
start_cluster() {
  for v in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || pg_ctlcluster "$v" main start 2>/dev/null
  done
  sleep 2
}
if command -v pg_ctlcluster >/dev/null 2>&1; then start_cluster; answers && exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's postgresql package to run the PostgreSQL tests ..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 || exit 1
  v=$(ls /etc/postgresql | head -n1)
  hba="/etc/postgresql/$v/main/pg_hba.conf"
  if ! grep -q "kasvu-test" "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust # kasvu-test\nlocal all all trust # kasvu-test' "$hba"
  fi
  start_cluster
  su postgres -c "psql -c 'select 1'" >/dev/null 2>&1 && su postgres -c "createdb test" >/dev/null 2>&1
  answers && exit 0
fi
exit 1
