#!/bin/sh
# Entrypoint of the coopqualite image.
#   web           apply migrations, then run gunicorn
#                 (extra arguments are passed to gunicorn);
#   anything else is run as given: celery -A coopqualite worker ..., python manage.py ..., sh.
set -eu

if [ "${1:-}" = "web" ]; then
    shift
    python manage.py migrate --noinput
    exec gunicorn coopqualite.wsgi:application \
        --config /app/gunicorn.conf.py \
        --bind 0.0.0.0:8000 \
        --workers "${WEB_CONCURRENCY:-3}" \
        --access-logfile - \
        "$@"
fi

exec "$@"
