#!/bin/sh
# Entrypoint of the coopqualite image.
#   web           apply migrations, then run gunicorn (workers and timeouts: gunicorn.conf.py;
#                 extra arguments are passed to gunicorn);
#   anything else is run as given: celery -A coopqualite worker ..., python manage.py ..., sh.
set -eu

if [ "${1:-}" = "web" ]; then
    shift
    # A migration may rewrite a large table: no statement timeout for it.
    DB_STATEMENT_TIMEOUT_MS=0 python manage.py migrate --noinput
    exec gunicorn coopqualite.wsgi:application \
        --config /app/gunicorn.conf.py \
        --bind 0.0.0.0:8000 \
        --access-logfile - \
        "$@"
fi

exec "$@"
