#!/usr/bin/env bash
# `make run`: embedded servers when DATABASE_URL / REDIS_URL are unset, migrations, demo data on an
# empty database, then web + Celery worker + Celery beat under honcho. Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
started_embedded=0
if [[ -z ${DATABASE_URL:-} || -z ${REDIS_URL:-} ]]; then
  .venv/bin/python scripts/devservices.py start
  started_embedded=1
fi
set -a
# shellcheck disable=SC1091
. .run/env
[[ -f .run/secret_key ]] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > .run/secret_key
SECRET_KEY=${SECRET_KEY:-$(cat .run/secret_key)}
HTTPS=${HTTPS:-0}
EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}
WEB_PORT=${WEB_PORT:-8000}
PORTAL_BASE_URL=${PORTAL_BASE_URL:-http://127.0.0.1:$WEB_PORT}
# With PORTAL_TODAY set, web, worker and beat start the portal's clock at the same instant.
if [[ -n ${PORTAL_TODAY:-} ]]; then
  PORTAL_TODAY_STARTED=$(date +%s.%N)
fi
set +a
if [[ $started_embedded == 1 ]]; then
  trap '.venv/bin/python scripts/devservices.py stop' EXIT
fi

.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py collectstatic --no-input -v 0
.venv/bin/python manage.py seed_demo --if-empty

echo
echo "The portal is at http://127.0.0.1:$WEB_PORT/ (Ctrl-C stops it)"
echo
.venv/bin/honcho start -f Procfile
