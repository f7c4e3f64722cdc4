#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, e.g.
#   scripts/with-postgres.sh .venv/bin/pytest tests/postgres -q
# The cluster gets its own temp dir and free port (so runs can overlap), has one empty database
# vanguard_test, and is stopped and deleted on exit whatever happens. Exit code = the command's.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

newest_initdb() { ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(newest_initdb)" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "PostgreSQL server binaries not found: run 'sudo apt-get install -y postgresql'." >&2
        exit 1
    fi
    echo "Installing PostgreSQL (apt-get install postgresql)..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 postgresql >/dev/null
fi
bin="$(dirname "$(newest_initdb)")"

# PostgreSQL refuses to run as root, so as root the server commands run as the postgres user.
# They run from the temp dir: postgres may not be allowed into the caller's working directory.
as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd "$tmp" && runuser -u postgres -- "$@")
    else
        (cd "$tmp" && "$@")
    fi
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/vanguard-pg.XXXXXX")"
cleanup() {
    # postmaster.pid exists while a server runs on this data dir (even a half-started one).
    if [ -f "$tmp/data/postmaster.pid" ]; then
        as_server_user "$bin/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
# Turn Ctrl-C / kill into a normal exit so the EXIT trap runs (130 and 143 as shells report them).
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$tmp"
fi

# The redirect is done by this shell, not inside the server user's command, so it can always
# write the log (toolchain.md section 4 gotcha).
if ! as_server_user "$bin/initdb" -D "$tmp/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1; then
    cat "$tmp/initdb.log" >&2
    exit 1
fi

started=""
# A port is free when we bind it but another run may grab it before the server does: retry.
for _ in 1 2 3; do
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    if as_server_user "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
        -o "-p $port -k '$tmp' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null; then
        started=1
        break
    fi
done
if [ -z "$started" ]; then
    echo "PostgreSQL did not start; its log:" >&2
    cat "$tmp/server.log" >&2
    exit 1
fi

"$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres vanguard_test

export VANGUARD_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/vanguard_test"
export VANGUARD_TEST_POSTGRES_URL="$VANGUARD_DATABASE_URL"

status=0
"$@" || status=$?
exit "$status"
