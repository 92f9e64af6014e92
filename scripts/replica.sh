#!/usr/bin/env bash
# A PostgreSQL streaming replica (pg_basebackup) on another port of the same machine: to try kasvu's read
# replicas (KASVU_DATABASE_REPLICA_URLS), for tests/test_replicas.py and benchmarks/load_mixed.py.
#
#   scripts/replica.sh primary DIR PORT              a throwaway primary cluster in DIR on 127.0.0.1:PORT
#   scripts/replica.sh start PRIMARY_PORT DIR PORT   copy the primary (pg_basebackup -R) into DIR and start it
#                                                    as a hot standby on 127.0.0.1:PORT, streaming from it
#   scripts/replica.sh up DIR PORT                   start a cluster made before (after stop or kill)
#   scripts/replica.sh lag PORT                      seconds the replica on PORT is behind (0 when caught up)
#   scripts/replica.sh stop DIR                      stop the cluster in DIR
#   scripts/replica.sh kill DIR                      stop it at once, as a crash would (immediate shutdown)
#   scripts/replica.sh remove DIR                    stop it and delete DIR
#
# PRIMARY_HOST (default 127.0.0.1) names another primary; it must allow replication connections
# (pg_hba.conf: "host replication all <address> <method>", wal_level=replica, max_wal_senders > 0) —
# see docs/deployment.md. Clusters run as the `postgres` user when this runs as root. Nothing here touches
# the machine's own PostgreSQL server: every cluster lives in its DIR, on its port (its socket in /tmp).
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
[ -n "$bin" ] || bin=$(dirname "$(command -v pg_ctl || echo /nonexistent/pg_ctl)")
if [ ! -x "$bin/pg_ctl" ]; then
  echo "replica.sh: PostgreSQL's server programs (pg_ctl, initdb, pg_basebackup) are not installed;" \
       "install Debian's postgresql package." >&2
  exit 2
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

own_dir() {  # an empty folder the server's user owns
  mkdir -p "$1"
  if [ -n "$(ls -A "$1")" ]; then echo "replica.sh: $1 is not empty; remove it first (replica.sh remove $1)" >&2; exit 1; fi
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$1"; fi
  chmod 700 "$1"
  if ! as_postgres test -w "$1"; then
    echo "replica.sh: the postgres user cannot reach $1; make its parent folders readable (chmod 755)" >&2; exit 1
  fi
}

start_cluster() {  # DIR PORT
  # the socket in /tmp, not in DIR (pg_basebackup would copy it); its name has the port, so it is unique
  as_postgres "$bin/pg_ctl" -D "$1" -l "$1/server.log" -w -t 60 -o "-p $2 -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
}

cmd=${1:-}
case "$cmd" in
  primary)
    dir=$2 port=$3
    own_dir "$dir"
    as_postgres "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$dir/postgresql.conf" <<EOF
# kasvu: a primary that replicas can stream from
wal_level = replica
max_wal_senders = 5
wal_keep_size = 256MB
fsync = off
EOF
    start_cluster "$dir" "$port"
    echo "primary on 127.0.0.1:$port (data in $dir)"
    ;;
  start)
    primary_port=$2 dir=$3 port=$4 host=${PRIMARY_HOST:-127.0.0.1}
    own_dir "$dir"
    as_postgres "$bin/pg_basebackup" -h "$host" -p "$primary_port" -U postgres -D "$dir" -X stream -R -c fast
    cat >>"$dir/postgresql.auto.conf" <<EOF
# kasvu: a hot standby on its own port
port = $port
hot_standby = on
hot_standby_feedback = on
EOF
    start_cluster "$dir" "$port"
    echo "replica on 127.0.0.1:$port streaming from $host:$primary_port (data in $dir)"
    ;;
  up)
    if as_postgres "$bin/pg_ctl" -D "$2" status >/dev/null 2>&1; then echo "already running: $2"; exit 0; fi
    start_cluster "$2" "$3"
    echo "started $2 on 127.0.0.1:$3"
    ;;
  lag)
    port=$2
    as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -Atc \
      "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
              ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END" postgres
    ;;
  stop)
    as_postgres "$bin/pg_ctl" -D "$2" -m fast -w stop >/dev/null && echo "stopped $2"
    ;;
  kill)
    as_postgres "$bin/pg_ctl" -D "$2" -m immediate -w stop >/dev/null && echo "killed $2"
    ;;
  remove)
    as_postgres "$bin/pg_ctl" -D "$2" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$2"
    echo "removed $2"
    ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
