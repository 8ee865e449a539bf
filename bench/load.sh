#!/usr/bin/env bash
# `make load`: 50 concurrent users for 60 seconds against gunicorn on 127.0.0.1 with the demo data,
# in a database of its own. Prints p50/p95 per page and fails on any error. Never aimed elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${LOAD_USERS:-50}
DURATION=${LOAD_DURATION:-60s}
PORT=${LOAD_PORT:-8765}
.venv/bin/python scripts/devservices.py start
set -a; . ./.run/env; set +a
base=${DATABASE_URL%/*}
export DATABASE_URL="$base/portal_load" SECRET_KEY=load-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz HTTPS=0
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend AXES_FAILURE_LIMIT=1000
.venv/bin/python - <<'PY'
import os, psycopg
url = os.environ["DATABASE_URL"]
admin_url = url.rsplit("/", 1)[0] + "/postgres"
with psycopg.connect(admin_url, autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'portal_load'").fetchone():
        conn.execute("CREATE DATABASE portal_load")
PY
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py collectstatic --no-input -v 0
.venv/bin/python manage.py seed_demo --json > bench/.demo.json
.venv/bin/gunicorn portal.wsgi --bind "127.0.0.1:$PORT" --workers 4 --threads 2 --log-level warning &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.2; done
.venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r 10 -t "$DURATION" --host "http://127.0.0.1:$PORT" \
  --only-summary --exit-code-on-error 1 --csv .run/load
.venv/bin/python - <<'PY'
import csv
rows = list(csv.DictReader(open(".run/load_stats.csv")))
print(f"{'page':40} {'requests':>9} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7}")
for row in rows:
    print(f"{row['Name'][:40]:40} {row['Request Count']:>9} {row['Failure Count']:>7} {row['50%']:>7} {row['95%']:>7}")
PY
