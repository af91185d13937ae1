#!/bin/sh
# Entrypoint of the coopqualite image.
#   web           apply migrations, refresh the static files under VAR_DIR, then run gunicorn
#                 (extra arguments are passed to gunicorn);
#   anything else is run as given: celery -A coopqualite worker ..., python manage.py ..., sh.
set -eu

if [ "${1:-}" = "web" ]; then
    shift
    python manage.py migrate --noinput
    # VAR_DIR (/data) is normally a volume, which hides the files collected at build time and
    # would keep those of an older image: collect again so that they match this image's code.
    python manage.py collectstatic --noinput --clear --verbosity 0
    exec gunicorn coopqualite.wsgi:application \
        --bind 0.0.0.0:8000 \
        --workers "${WEB_CONCURRENCY:-3}" \
        --access-logfile - \
        "$@"
fi

exec "$@"
