#!/usr/bin/env bash
# The test fixture for running past one machine: a PostgreSQL 15 primary, a hot-standby streaming
# replica of it, and PgBouncer in transaction mode in front of the primary, each on a port of its
# own (never the shared cluster on 5432), with data and logs under $CLUSTER_DIR.
#
#   bash test/support/cluster/cluster.sh start          # idempotent; exit 0 once all three answer
#   bash test/support/cluster/cluster.sh stop           # stops all three, keeps the data
#   bash test/support/cluster/cluster.sh stop-replica   # for fallback tests
#   bash test/support/cluster/cluster.sh start-replica
#   bash test/support/cluster/cluster.sh status
#   bash test/support/cluster/cluster.sh destroy        # stops all three and removes $CLUSTER_DIR
#
# initdb refuses root, so the servers run as the `postgres` user. PgBouncer comes from Debian's
# packages (installed here when missing and we are root).
set -euo pipefail

CLUSTER_DIR=${CONCRETE_DB_CLUSTER_DIR:-/tmp/concrete-db-cluster}
PRIMARY_PORT=${CONCRETE_DB_CLUSTER_PRIMARY_PORT:-55432}
REPLICA_PORT=${CONCRETE_DB_CLUSTER_REPLICA_PORT:-55433}
BOUNCER_PORT=${CONCRETE_DB_CLUSTER_BOUNCER_PORT:-56432}
PG_BIN=${CONCRETE_DB_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
RUN_AS=postgres

PRIMARY=$CLUSTER_DIR/primary
REPLICA=$CLUSTER_DIR/replica
BOUNCER=$CLUSTER_DIR/pgbouncer

as_postgres() {
  if [ "$(id -un)" = "$RUN_AS" ]; then
    bash -c "$1"
  else
    su "$RUN_AS" -s /bin/bash -c "$1"
  fi
}

answers() { "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$1" >/dev/null 2>&1; }

wait_until() {
  local what=$1 port=$2
  for _ in $(seq 1 100); do
    if answers "$port"; then return 0; fi
    sleep 0.1
  done
  echo "$what on port $port did not answer within 10 s" >&2
  return 1
}

ensure_pgbouncer() {
  command -v pgbouncer >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "pgbouncer is not installed (apt-get install -y pgbouncer, as root)" >&2
    return 1
  fi
  echo "installing pgbouncer from Debian's packages"
  apt-get update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y pgbouncer >/dev/null
  # The package starts its own service on 6432 on some systems; ours has its own port and ini.
}

init_primary() {
  [ -f "$PRIMARY/PG_VERSION" ] && return 0
  mkdir -p "$CLUSTER_DIR"
  chown "$RUN_AS" "$CLUSTER_DIR"
  as_postgres "'$PG_BIN/initdb' -D '$PRIMARY' -U postgres -A trust --no-sync --encoding=UTF8 --locale=C.UTF-8 >'$CLUSTER_DIR/initdb.log'"
  cat >>"$PRIMARY/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
max_connections = 100
wal_level = replica
max_wal_senders = 5
hot_standby = on
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  echo "host replication all 127.0.0.1/32 trust" >>"$PRIMARY/pg_hba.conf"
}

start_primary() {
  answers "$PRIMARY_PORT" && return 0
  init_primary
  clear_stale_pid "$PRIMARY"
  as_postgres "'$PG_BIN/pg_ctl' -D '$PRIMARY' -o '-p $PRIMARY_PORT -k $CLUSTER_DIR' -l '$CLUSTER_DIR/primary.log' -w start >/dev/null"
  wait_until primary "$PRIMARY_PORT"
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -Atqc \
    "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 ||
    "$PG_BIN/psql" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -qc "CREATE DATABASE test"
}

start_replica() {
  answers "$REPLICA_PORT" && return 0
  if [ ! -f "$REPLICA/PG_VERSION" ]; then
    as_postgres "'$PG_BIN/pg_basebackup' -h 127.0.0.1 -p $PRIMARY_PORT -U postgres -D '$REPLICA' -R -X stream --checkpoint=fast --no-sync"
  fi
  clear_stale_pid "$REPLICA"
  as_postgres "'$PG_BIN/pg_ctl' -D '$REPLICA' -o '-p $REPLICA_PORT -k $CLUSTER_DIR' -l '$CLUSTER_DIR/replica.log' -w start >/dev/null"
  wait_until replica "$REPLICA_PORT"
}

# A server killed without a shutdown (kill -9, a machine restart) leaves postmaster.pid behind,
# and PostgreSQL refuses to start while the PID it names is alive; a stale one goes.
clear_stale_pid() {
  local pidfile=$1/postmaster.pid
  [ -f "$pidfile" ] || return 0
  if ! kill -0 "$(head -n 1 "$pidfile")" 2>/dev/null; then rm -f "$pidfile"; fi
}

stop_server() {
  local dir=$1
  [ -f "$dir/postmaster.pid" ] || return 0
  as_postgres "'$PG_BIN/pg_ctl' -D '$dir' -m fast -w stop >/dev/null" || true
}

start_bouncer() {
  answers "$BOUNCER_PORT" && return 0
  ensure_pgbouncer
  mkdir -p "$BOUNCER"
  echo '"postgres" ""' >"$BOUNCER/userlist.txt"
  cat >"$BOUNCER/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$PRIMARY_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $BOUNCER/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 20
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 2000
max_db_connections = 0
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = $BOUNCER/pgbouncer.log
pidfile = $BOUNCER/pgbouncer.pid
EOF
  chown -R "$RUN_AS" "$BOUNCER"
  as_postgres "pgbouncer -d '$BOUNCER/pgbouncer.ini'"
  wait_until pgbouncer "$BOUNCER_PORT"
}

stop_bouncer() {
  [ -f "$BOUNCER/pgbouncer.pid" ] || return 0
  kill "$(cat "$BOUNCER/pgbouncer.pid")" 2>/dev/null || true
  for _ in $(seq 1 50); do
    answers "$BOUNCER_PORT" || break
    sleep 0.1
  done
  rm -f "$BOUNCER/pgbouncer.pid"
}

status() {
  local code=0
  for entry in "primary:$PRIMARY_PORT" "replica:$REPLICA_PORT" "pgbouncer:$BOUNCER_PORT"; do
    if answers "${entry#*:}"; then echo "${entry%%:*} up on 127.0.0.1:${entry#*:}"; else
      echo "${entry%%:*} down (127.0.0.1:${entry#*:})"
      code=1
    fi
  done
  return $code
}

case "${1:-}" in
  start)
    start_primary
    start_replica
    start_bouncer
    status
    ;;
  stop)
    stop_bouncer
    stop_server "$REPLICA"
    stop_server "$PRIMARY"
    ;;
  stop-replica) stop_server "$REPLICA" ;;
  start-replica) start_replica ;;
  status) status ;;
  destroy)
    stop_bouncer
    stop_server "$REPLICA"
    stop_server "$PRIMARY"
    rm -rf "$CLUSTER_DIR"
    ;;
  *)
    echo "usage: $0 start|stop|stop-replica|start-replica|status|destroy" >&2
    exit 2
    ;;
esac
