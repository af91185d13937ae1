"""Settings of the floor project (bench.floor): what `django-admin startproject` keeps once the
middleware, the templates and every contrib app are removed. The database is configured as the
portal's (persistent connections with health checks, the same statement timeout)."""

import dj_database_url

from coopqualite.env import env_str

SECRET_KEY = env_str("SECRET_KEY", "bench-floor-only")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bench.floor"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.floor.urls"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", ""), conn_max_age=600, conn_health_checks=True
    )
}
DATABASES["default"]["OPTIONS"] = {"options": "-c statement_timeout=30000"}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
