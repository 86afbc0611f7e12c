#!/usr/bin/env bash
# README pictures from the demo data: docs/screenshots/*.png.
#
# Uses its own SpatiaLite database under var/ (recreated each time), loads the demo
# data, creates a demo officer for Örebro, serves the portal on a free local port and
# photographs it with headless Debian Chromium (scripts/screenshots.py). The server
# is stopped again at the end, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=docs/screenshots
DB=var/screenshots.sqlite3

export DJANGO_SETTINGS_MODULE=brorebro.settings
export DATABASE_URL="spatialite:///$(pwd)/$DB"
# DEBUG serves the static files straight from the source folders (no collectstatic).
export DJANGO_DEBUG=true
export LOG_LEVEL=WARNING
export OFFICER_USERNAME=orebro_demo
OFFICER_PASSWORD="$($PY -c 'import secrets; print(secrets.token_urlsafe(18))')"
export OFFICER_PASSWORD

mkdir -p var "$OUT"
rm -f "$DB"
echo "== database $DB"
$PY manage.py migrate --noinput -v 0
$PY manage.py load_demo
$PY manage.py create_officer "$OFFICER_USERNAME" --municipality 1880 --password "$OFFICER_PASSWORD" >/dev/null
# The officer's start page: a Laxå officer, with a few listings to confirm and new inquiries.
export START_OFFICER_USERNAME=laxa_demo
$PY manage.py create_officer "$START_OFFICER_USERNAME" --municipality 1860 --password "$OFFICER_PASSWORD" >/dev/null
$PY manage.py shell -c "$(cat scripts/admin_start_scene.py)"

PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$PY manage.py runserver "127.0.0.1:$PORT" --noreload >var/screenshots-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

echo "== screenshots into $OUT"
$PY scripts/screenshots.py "http://127.0.0.1:$PORT" "$OUT"
