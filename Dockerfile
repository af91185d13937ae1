# Production image of coopqualite. One image for every role: the entrypoint runs gunicorn for
# `web` (after applying migrations), and any other command as given (celery worker, celery beat,
# python manage.py ...). See docker-compose.yml and docker/entrypoint.sh.
FROM python:3.11-slim-bookworm

# VAR_DIR: evidence files and built reports (/data/private), collected static files, the beat
# schedule. DEBUG=false: fail closed, the process refuses to start without a SECRET_KEY.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    VAR_DIR=/data \
    STATIC_ROOT=/app/staticfiles \
    DEBUG=false

# System libraries WeasyPrint needs to render the PDF report (Pango, HarfBuzz subsetting, a font).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Non-root user. It owns /data only: the code stays read-only to the running process.
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --create-home --shell /usr/sbin/nologin app \
    && mkdir -p /data \
    && chown app:app /data

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Static files, hashed and compressed by whitenoise (DEBUG=false selects the manifest storage),
# collected into the image (STATIC_ROOT, outside the /data volume) so they always match the code.
# The SECRET_KEY here is a build-only placeholder: it is not kept in the image.
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput

USER app

EXPOSE 8000

ENTRYPOINT ["/bin/sh", "/app/docker/entrypoint.sh"]
CMD ["web"]
