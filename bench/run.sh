#!/usr/bin/env bash
# make bench: the national-scale benchmark on PostGIS. Writes bench/RESULTS.md.
#
#   bench/run.sh                 both scales: 1/10 first, then full (about 20-30 min)
#   bench/run.sh --scale 0.1     one scale; RESULTS.md is rebuilt from every scale's
#                                stored results in bench/results/
#   bench/run.sh --scale 0.001 --setup-only
#                                builds the dataset and starts the server once, then
#                                stops: checks the set-up in a minute, writes no results
#   options: --seconds N (upper bound per endpoint, default 10), --workers N,
#            --port N (default 8190), --keep (leave the database for inspection),
#            --boundaries FILE (the national boundary file with all 290 municipalities,
#            default ../shared/data/sweden_municipalities.geojson; it is not shipped
#            with the portal, only the county's twelve are, in fixtures/)
#
# PostGIS comes from DATABASE_URL if set (the bench EMPTIES the municipality,
# premises, land and survey tables of that database, so its name must contain
# "bench" unless BENCH_RESET_OK=1), else a fresh database
# br_bench on 127.0.0.1:5432 (trust auth, user postgres), else a private cluster
# in a temporary folder (as scripts/test.sh does). Redis (the workers' shared cache) is
# BENCH_CACHE_URL, else redis://127.0.0.1:6379/15, else a private redis-server of its
# own. Each step of the dataset runs under /usr/bin/time -v for wall time and peak RSS.
# Gunicorn serves the portal with production settings (DEBUG off, secret key, collected
# static files), and bench/load.py loads it over loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=$ROOT/.venv/bin/python
export DJANGO_SETTINGS_MODULE=brorebro.settings
# Production settings refuse to start without a key, and a fresh clone has no
# var/secret_key: every step (migrate, generate, server, import) uses this throwaway one.
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-bench-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')}"
PG_BIN=/usr/lib/postgresql/15/bin
# Several workers must share one cache (issue 15), as in production: Redis. The bench
# empties this Redis database at the start of each scale, so it is one of its own.
export CACHE_URL="${BENCH_CACHE_URL:-redis://127.0.0.1:6379/15}"

SCALES=(0.1 1)
SECONDS_PER_ENDPOINT=10
# 2 × cores + 1 sync workers: the Makefile's `make run` and gunicorn's own rule of
# thumb; see RESULTS.md for why sync and not threads.
WORKERS=$(( $(nproc) * 2 + 1 ))
WORKER_CLASS=sync
PORT=${BENCH_PORT:-8190}
KEEP=0
SETUP_ONLY=0
BOUNDARIES=${BENCH_BOUNDARIES:-$ROOT/../shared/data/sweden_municipalities.geojson}
COMMAND="bench/run.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALES=("$2"); shift 2 ;;
    --seconds) SECONDS_PER_ENDPOINT=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --setup-only) SETUP_ONLY=1; shift ;;
    --boundaries) BOUNDARIES=$2; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

if [ ! -s "$BOUNDARIES" ]; then
  echo "The national boundary file is missing: $BOUNDARIES" >&2
  echo "The bench spreads its data over all 290 municipalities. Give the file with" >&2
  echo "--boundaries FILE (GeoJSON; properties id = municipality code, kom_namn = name)." >&2
  exit 2
fi
BOUNDARIES=$(realpath "$BOUNDARIES")

scripts/apt-ensure.sh time redis-server
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing" >&2; exit 1; }

WORK=$(mktemp -d /tmp/br-bench.XXXXXX)
RESULTS=$ROOT/bench/results
mkdir -p "$RESULTS"
PRIVATE_DIR=""
GUNICORN_PID=""
REDIS_PID_FILE=""
USER_DB=${DATABASE_URL:-}

cleanup() {
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  if [ -n "$REDIS_PID_FILE" ] && [ -s "$REDIS_PID_FILE" ]; then
    kill "$(cat "$REDIS_PID_FILE")" 2>/dev/null || true
  fi
  if [ -n "$PRIVATE_DIR" ]; then
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$PRIVATE_DIR/data' -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$PRIVATE_DIR"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }

# --- Redis: the cache the workers share ------------------------------------------------------
redis_answers() {
  $PY -c "import sys, redis; redis.Redis.from_url(sys.argv[1], socket_timeout=3).ping()" "$1" 2>/dev/null
}
case "$CACHE_URL" in
  redis://*|rediss://*)
    if ! redis_answers "$CACHE_URL"; then
      if [ -n "${BENCH_CACHE_URL:-}" ]; then
        echo "Redis does not answer at $CACHE_URL (BENCH_CACHE_URL; the workers share their cache there)." >&2
        exit 2
      fi
      # As the PostgreSQL below: a private server of its own when none runs here.
      REDIS_PORT=${BENCH_REDIS_PORT:-56379}
      REDIS_PID_FILE=$WORK/redis.pid
      log "starting a private Redis on 127.0.0.1:$REDIS_PORT"
      redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize yes \
        --dir "$WORK" --pidfile "$REDIS_PID_FILE" --logfile "$WORK/redis.log"
      export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/15"
      for _ in 1 2 3 4 5 6 7 8 9 10; do redis_answers "$CACHE_URL" && break; sleep 0.5; done
      redis_answers "$CACHE_URL" || { echo "the private Redis did not start (see $WORK/redis.log)" >&2; exit 1; }
    fi ;;
esac

# --- PostGIS ------------------------------------------------------------------------------
if [ -n "$USER_DB" ]; then
  db_name=$(basename "${USER_DB%%\?*}")
  case "$db_name" in
    *bench*) ;;
    *)
      if [ "${BENCH_RESET_OK:-}" != 1 ]; then
        echo "DATABASE_URL points to '$db_name': the benchmark would empty its municipality, premises," >&2
        echo "land and survey tables. Use a database whose name contains 'bench', unset DATABASE_URL," >&2
        echo "or set BENCH_RESET_OK=1 if that is really what you want." >&2
        exit 2
      fi ;;
  esac
fi
PG_HOST=127.0.0.1
PG_PORT=5432
if [ -z "$USER_DB" ]; then
  if ! (pg_isready -q -h 127.0.0.1 -p 5432 && psql -h 127.0.0.1 -U postgres -Atc 'select 1' >/dev/null 2>&1); then
    PRIVATE_DIR=$(mktemp -d /tmp/br-bench-pg.XXXXXX)
    chown postgres "$PRIVATE_DIR"
    PG_PORT=${BENCH_PG_PORT:-55433}
    log "starting a private PostgreSQL cluster on 127.0.0.1:$PG_PORT"
    su postgres -s /bin/sh -c "$PG_BIN/initdb -D '$PRIVATE_DIR/data' --auth=trust -U postgres >/dev/null"
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$PRIVATE_DIR/data' -l '$PRIVATE_DIR/log' -w -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PRIVATE_DIR\" start >/dev/null"
  fi
fi

fresh_database() {
  if [ -n "$USER_DB" ]; then
    export DATABASE_URL=$USER_DB
    RESET=--reset
  else
    dropdb -h $PG_HOST -p $PG_PORT -U postgres --if-exists br_bench
    createdb -h $PG_HOST -p $PG_PORT -U postgres br_bench
    psql -h $PG_HOST -p $PG_PORT -U postgres -d br_bench -qc "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
    export DATABASE_URL="postgis://postgres@$PG_HOST:$PG_PORT/br_bench"
    RESET=""
  fi
}

# timed SCALE NAME COMMAND...: runs COMMAND under /usr/bin/time -v; keeps the report.
timed() {
  local scale=$1 name=$2; shift 2
  log "$name ($scale)"
  /usr/bin/time -v -o "$WORK/time-$scale-$name.txt" "$@" 2> >(tee "$WORK/log-$scale-$name.txt" >&2) \
    > "$WORK/out-$scale-$name.txt"
}

start_gunicorn() {
  local var=$WORK/var
  mkdir -p "$var"
  export DJANGO_DEBUG=false
  export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
  export BROREBRO_VAR_DIR=$var
  export LOG_LEVEL=WARNING
  $PY manage.py collectstatic --noinput -v 0
  .venv/bin/gunicorn brorebro.wsgi -b 127.0.0.1:"$PORT" -w "$WORKERS" -k "$WORKER_CLASS" \
    --access-logfile "$WORK/access.log" --error-logfile "$WORK/gunicorn.log" &
  GUNICORN_PID=$!
  for _ in $(seq 1 60); do
    if curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
      # every worker up (they boot one by one)
      sleep 2
      return 0
    fi
    kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$WORK/gunicorn.log" >&2; exit 1; }
    sleep 1
  done
  echo "gunicorn did not answer /healthz within 60 s" >&2
  cat "$WORK/gunicorn.log" >&2
  exit 1
}

stop_gunicorn() {
  kill "$GUNICORN_PID"
  wait "$GUNICORN_PID" 2>/dev/null || true
  GUNICORN_PID=""
}

production_env_off() {
  unset DJANGO_DEBUG DJANGO_ALLOWED_HOSTS BROREBRO_VAR_DIR LOG_LEVEL
}

run_scale() {
  local s=$1
  local started
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  # What code is measured: the commit, and app files that differ from it, at the start.
  git rev-parse --short HEAD > "$WORK/commit-$s.txt" 2>/dev/null || true
  git status --porcelain -- premises land surveys skills brorebro templates > "$WORK/dirty-$s.txt" 2>/dev/null || true
  fresh_database
  log "scale $s on ${DATABASE_URL%%\?*}"
  timed "$s" migrate $PY manage.py migrate --noinput -v 0
  timed "$s" municipalities $PY bench/generate.py municipalities --scale "$s" --boundaries "$BOUNDARIES" $RESET
  timed "$s" boundaries $PY manage.py import_municipality_boundaries --skip-unknown "$BOUNDARIES"
  timed "$s" premises $PY bench/generate.py premises --scale "$s"
  timed "$s" land $PY bench/generate.py land --scale "$s"
  timed "$s" surveys $PY bench/generate.py surveys --scale "$s"
  timed "$s" analyze $PY bench/generate.py analyze --scale "$s"
  # Landmarks and three typical establishment requests: their private pages are in the
  # load mix, and their matching is timed after the load test (issue 13).
  timed "$s" establishment $PY bench/establishment_match.py --setup-only
  # As after an import of responses: the NKI units are computed once and stored.
  timed "$s" store_nki $PY manage.py store_nki
  # No entry of an earlier run (other data, other code) may answer for this one.
  $PY -c "import django; django.setup(); from django.core.cache import cache; cache.clear()"
  $PY bench/generate.py stats --scale "$s" --out "$WORK/stats-$s.json"
  $PY bench/generate.py mix --scale "$s" --out "$WORK/mix-$s.json"
  timed "$s" csv $PY bench/generate.py csv --scale "$s" --rows 10000 --out "$WORK/premises-10000.csv" \
    || log "the premises CSV could not be made (see above); the import is not measured"

  start_gunicorn
  if [ "$SETUP_ONLY" = 1 ]; then
    log "set-up only: the dataset is built and the server answers /healthz; no load, no results"
    stop_gunicorn
    production_env_off
    [ "$KEEP" = 1 ] || [ -n "$USER_DB" ] || dropdb -h $PG_HOST -p $PG_PORT -U postgres --if-exists br_bench
    return 0
  fi
  log "load: $WORKERS $WORKER_CLASS workers, 4 clients, ≤ ${SECONDS_PER_ENDPOINT}s per endpoint"
  $PY bench/load.py --base "http://127.0.0.1:$PORT" --mix "$WORK/mix-$s.json" --out "$WORK/load-$s.json" \
    --clients 4 --seconds "$SECONDS_PER_ENDPOINT" --gunicorn-pid "$GUNICORN_PID" \
    --db-name "$(basename "${DATABASE_URL%%\?*}")"
  stop_gunicorn
  # Why: queries, SQL time and the slowest statement's plan per URL, one request at
  # a time, in-process with the same production settings.
  log "query profile ($s)"
  $PY bench/explain.py --mix "$WORK/mix-$s.json" --out "$WORK/explain-$s.json" --per-endpoint 2 \
    || log "the query profile failed"
  log "establishment matching ($s)"
  $PY bench/establishment_match.py --reuse --runs 7 > "$WORK/match-$s.jsonl" \
    || log "the establishment match timing failed"
  production_env_off

  # The import is measured last, on the loaded database, so that the load test saw
  # exactly the generated dataset: first as new rows, then the same file again
  # (every row an update).
  if [ -s "$WORK/premises-10000.csv" ]; then
    timed "$s" import_created $PY manage.py import_premises "$WORK/premises-10000.csv" || log "import failed"
    timed "$s" import_updated $PY manage.py import_premises "$WORK/premises-10000.csv" || log "import failed"
  fi

  $PY bench/report.py collect --scale "$s" --work "$WORK" --started "$started" \
    --command "$COMMAND" --workers "$WORKERS" --worker-class "$WORKER_CLASS" \
    --out "$RESULTS/scale-$s.json"
  if [ "$KEEP" = 0 ] && [ -z "$USER_DB" ]; then
    dropdb -h $PG_HOST -p $PG_PORT -U postgres --if-exists br_bench
  fi
}

for s in "${SCALES[@]}"; do
  run_scale "$s"
done
[ "$SETUP_ONLY" = 1 ] && exit 0
$PY bench/report.py render --results "$RESULTS" --out "$ROOT/bench/RESULTS.md"
log "wrote bench/RESULTS.md"
