#!/usr/bin/env bash
# Run the checks and the whole suite on PostGIS, then on SpatiaLite.
#
# PostGIS comes from DATABASE_URL if it is set, else from a server on 127.0.0.1:5432
# with trust auth for "postgres", else from a private cluster this script starts in
# a temporary folder and stops again at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=brorebro.settings
# manage.py refuses to start without a key outside DEBUG; a fresh clone has none.
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-test-only-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')}"
PG_BIN=/usr/lib/postgresql/15/bin
PRIVATE_DIR=""

stop_private() {
  if [ -n "$PRIVATE_DIR" ]; then
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$PRIVATE_DIR/data' -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$PRIVATE_DIR"
  fi
}
trap stop_private EXIT

if [ -z "${DATABASE_URL:-}" ]; then
  if pg_isready -q -h 127.0.0.1 -p 5432 && psql -h 127.0.0.1 -U postgres -Atc 'select 1' >/dev/null 2>&1; then
    export DATABASE_URL="postgis://postgres@127.0.0.1:5432/brorebro"
  else
    PRIVATE_DIR=$(mktemp -d /tmp/brorebro-pg.XXXXXX)
    chown postgres "$PRIVATE_DIR"
    PORT=${BROREBRO_PG_PORT:-55432}
    echo "Starting a private PostgreSQL cluster on 127.0.0.1:$PORT in $PRIVATE_DIR"
    su postgres -s /bin/sh -c "$PG_BIN/initdb -D '$PRIVATE_DIR/data' --auth=trust -U postgres >/dev/null"
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$PRIVATE_DIR/data' -l '$PRIVATE_DIR/log' -w -o \"-c listen_addresses=127.0.0.1 -p $PORT -k $PRIVATE_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start >/dev/null"
    export DATABASE_URL="postgis://postgres@127.0.0.1:$PORT/brorebro"
    # Lets the outage test stop and restart this cluster (and only this one).
    export BROREBRO_PRIVATE_PG="$PRIVATE_DIR"
  fi
fi

WORKERS=${PYTEST_WORKERS:-2}
mkdir -p var
echo "== makemigrations --check"
DATABASE_URL="spatialite:///$(pwd)/var/migrations-check.sqlite3" $PY manage.py makemigrations --check --dry-run
echo "== ruff"
.venv/bin/ruff check .
echo "== check --deploy (production settings)"
DJANGO_SECRET_KEY="$(head -c 48 /dev/urandom | base64)" DJANGO_HTTPS=true DJANGO_DEBUG=false \
  DJANGO_ALLOWED_HOSTS=portal.example.se $PY manage.py check --deploy --fail-level WARNING

echo "== pytest on SpatiaLite"
DATABASE_URL="spatialite:///$(pwd)/var/test-unused.sqlite3" \
  .venv/bin/pytest -n "$WORKERS" -q -m "not e2e and not postgis_only" --create-db -p no:randomly tests
echo "== pytest on PostGIS (browser tests included)"
.venv/bin/pytest -n "$WORKERS" -q --create-db tests
