"""Settings of coopqualite, read from the environment (see .env.example).

Defaults make a fresh clone run on a laptop: SQLite under var/, no broker (tasks run eagerly),
mails written to files under var/mail/. Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL, REDIS_URL and the SMTP settings.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from coopqualite.env import env_bool, env_int, env_int_list, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "coopqualite",
    "coopqualite.outbox",
    "coopqualite.jobs",
    "cooperatives",
    "engagements",
    "enquetes",
    "chantiers",
    "sav",
    "rapports",
    "espace",
    "rgpd",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files answer here, cacheable
    "csp.middleware.CSPMiddleware",
    "coopqualite.middleware.NoStoreMiddleware",
    # Before anything reads the body (the CSRF check reads POST): refuses an oversized request.
    "coopqualite.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After the login check: a signed-in user who owes a second factor goes to it first.
    "cooperatives.two_factor.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coopqualite.urls"
WSGI_APPLICATION = "coopqualite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coopqualite.navigation.navigation",
            ],
        },
    },
]

# Database -------------------------------------------------------------------------------------
# Seconds to wait for a PostgreSQL connection (libpq counts at least 2).
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 5)
# Milliseconds a statement may run before PostgreSQL cancels it (0: no limit). 30 s for the web,
# half of gunicorn's timeout (gunicorn.conf.py): a runaway query becomes an error page with its
# traceback logged instead of a killed worker. The worker of docker-compose.yml sets a longer one
# (report builds, imports), and `migrate` runs without any (docker/entrypoint.sh).
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 30_000)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'coopqualite.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web process and a worker share the demo database: wait for locks instead of failing,
    # and take the write lock at the start of each transaction (Django >= 5.1).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["connect_timeout"] = DB_CONNECT_TIMEOUT
    _options["options"] = " ".join(
        filter(None, [_options.get("options"), f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"])
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "cooperatives.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    # Django's common passwords and the French ones (coopqualite/data/README.md).
    {"NAME": "coopqualite.passwords.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not the portal's name, nor the user's cooperative's, with a few digits around.
    {"NAME": "coopqualite.passwords.NamePasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day
SESSION_COOKIE_HTTPONLY = True

# Brute-force protection on login (django-axes): 5 failures for one username from one address
# lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The address is the client's, not the reverse proxy's: behind TRUSTED_PROXY_COUNT proxies it is
# read from X-Forwarded-For (coopqualite/proxy.py); with 0 (no proxy) only REMOTE_ADDR counts.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "coopqualite.proxy.client_ip"

# Second factor (django-otp: an authenticator app's TOTP codes, and recovery codes): required for
# these roles ("superuser": superusers), offered to everyone else (cooperatives/two_factor/).
# Wrong codes count like wrong passwords: AXES_FAILURE_LIMIT of them lock the account's second
# factor for AXES_COOLOFF_TIME.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", ["director", "federation", "superuser"])
_unknown_roles = set(OTP_REQUIRED_ROLES) - {"staff", "director", "board", "federation", "superuser"}
if _unknown_roles:
    raise ImproperlyConfigured(f"OTP_REQUIRED_ROLES: unknown roles {sorted(_unknown_roles)}")
OTP_TOTP_ISSUER = "Coopqualité"
RECOVERY_CODES_COUNT = 10

# Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Evidence files and built reports: outside any web root, served only by views that check access.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
EVIDENCE_MAX_UPLOAD_MB = env_int("EVIDENCE_MAX_UPLOAD_MB", 20)
# Survey-fed indicators: the fewest respondents a period needs to show a figure, unless the
# indicator sets its own minimum ("base insuffisante" below it).
SURVEY_INDICATOR_MIN_BASE = env_int("SURVEY_INDICATOR_MIN_BASE", 30)
if SURVEY_INDICATOR_MIN_BASE < 1:
    raise ImproperlyConfigured("SURVEY_INDICATOR_MIN_BASE must be at least 1")
BUYER_IMPORT_MAX_UPLOAD_MB = 5
# Commitment 4: a construction letter is on time when published within this many days of the
# day its phase was reached (chantiers.metrics).
CONSTRUCTION_LETTER_WITHIN_DAYS = env_int("CONSTRUCTION_LETTER_WITHIN_DAYS", 30)
# Anonymous answers wait in a pool and become responses in batches, shuffled, in a transaction
# of their own (enquetes/services/pool.py): once a campaign's pool holds ANONYMOUS_POOL_SIZE
# answers, or its oldest has waited ANONYMOUS_POOL_MAX_WAIT seconds, or the campaign is closed.
ANONYMOUS_POOL_SIZE = env_int("ANONYMOUS_POOL_SIZE", 5)
ANONYMOUS_POOL_MAX_WAIT = env_int("ANONYMOUS_POOL_MAX_WAIT", 24 * 3600)
if ANONYMOUS_POOL_SIZE < 2:
    raise ImproperlyConfigured("ANONYMOUS_POOL_SIZE must be at least 2")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email ----------------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    # Django's SMTP backend that also knows how far each message went (coopqualite/outbox).
    EMAIL_BACKEND = "coopqualite.outbox.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    # No SMTP server configured: every mail is written to a file a person can open.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Seconds any SMTP connection may wait (connect, each reply), whichever backend is configured:
# Django's default is to wait for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Coopqualité <ne-pas-repondre@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Administrateur", a) for a in env_list("ADMINS", [])]
# The outbox (coopqualite/outbox): a message the server could not take now (unreachable, 4xx)
# is tried again after these delays in seconds (1, 5, 15 and 60 minutes, then every 3 hours),
# until OUTBOX_RETRY_WINDOW seconds (24 hours) have passed since its first try: then it fails.
OUTBOX_RETRY_DELAYS = env_int_list("OUTBOX_RETRY_DELAYS", [60, 300, 900, 3600, 3 * 3600])
OUTBOX_RETRY_WINDOW = env_int("OUTBOX_RETRY_WINDOW", 24 * 3600)

# Celery ---------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
# Without a broker (laptop demo) tasks run in-process, at once.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Without a broker, run queued tasks in a thread of the web process rather than inside the
# request (`make demo` sets it: a report build does not hold the page for ten seconds).
TASKS_IN_THREADS = env_bool("TASKS_IN_THREADS", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL) or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Every exchange with Redis is bounded (connect, then each command): a hung or dead broker costs
# a web request that enqueues a few seconds, not a gunicorn worker (coopqualite/jobs.py).
REDIS_TIMEOUT = env_int("REDIS_TIMEOUT", 2)
_REDIS_SOCKET = {"socket_timeout": REDIS_TIMEOUT, "socket_connect_timeout": REDIS_TIMEOUT}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60, **_REDIS_SOCKET}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = _REDIS_SOCKET
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT
# A publish is tried twice, then given up: about 2 × REDIS_TIMEOUT on a hung broker, at once on
# a dead one (Celery's default: 4 tries).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Background jobs a person waits for (coopqualite/jobs): a running job without a sign of life for
# JOB_HEARTBEAT_TIMEOUT seconds lost its worker, a pending one not started after JOB_QUEUE_TIMEOUT
# lost its message; the sweep queues it again (bounded) or fails it. Both stay well under the
# visibility timeout above, after which Redis would hand an unacknowledged job out again anyway.
JOB_HEARTBEAT_TIMEOUT = env_int("JOB_HEARTBEAT_TIMEOUT", 300)
JOB_QUEUE_TIMEOUT = env_int("JOB_QUEUE_TIMEOUT", 15 * 60)
# A campaign's CSV export streams from the request up to this many responses; above it, like
# every XLSX, a worker builds the file (enquetes/services/exporting.py).
EXPORT_STREAM_MAX_RESPONSES = env_int("EXPORT_STREAM_MAX_RESPONSES", 20_000)
# Periodic jobs, each in its app's periodic.py. Each entry expires before its next run so that a
# backlog never piles up; each has a management command that does the same work for cron users.
CELERY_BEAT_SCHEDULE = {
    "sessions-clear": {
        "task": "cooperatives.periodic.sessions_clear",
        "schedule": timedelta(hours=24),
        "options": {"expires": 60 * 60 * 23},
    },
    "buyer-sessions-purge": {
        "task": "espace.periodic.buyer_sessions_purge",
        "schedule": timedelta(hours=1),
        "options": {"expires": 60 * 50},
    },
    "outbox-dispatch": {
        "task": "coopqualite.outbox.periodic.outbox_dispatch_task",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    "surveys-dispatch": {
        "task": "enquetes.periodic.surveys_dispatch_task",
        "schedule": timedelta(minutes=10),
        "options": {"expires": 60 * 9},
    },
    "tallies-store": {
        "task": "enquetes.periodic.tallies_store_task",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    "jobs-sweep": {
        "task": "coopqualite.jobs.periodic.jobs_sweep_task",
        "schedule": timedelta(minutes=2),
        "options": {"expires": 100},
    },
    "sav-daily": {
        "task": "sav.periodic.sav_daily_task",
        "schedule": timedelta(hours=1),
        "options": {"expires": 60 * 50},
    },
    "retention-apply": {
        "task": "rgpd.periodic.retention_apply_task",
        "schedule": timedelta(hours=24),
        "options": {"expires": 60 * 60 * 23},
    },
    "anonymous-pool-flush": {
        "task": "enquetes.periodic.pool_flush_task",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 60 * 4},
    },
    # Checked import files (personal data) left unconfirmed are deleted after a day.
    "buyer-imports-purge": {
        "task": "cooperatives.periodic.buyer_imports_purge_task",
        "schedule": timedelta(hours=1),
        "options": {"expires": 60 * 50},
    },
    "population-imports-purge": {
        "task": "enquetes.periodic.population_imports_purge_task",
        "schedule": timedelta(hours=1),
        "options": {"expires": 60 * 50},
    },
    # Export files of answers (personal data) are deleted a day after they were built.
    "exports-purge": {
        "task": "enquetes.periodic.exports_purge_task",
        "schedule": timedelta(hours=1),
        "options": {"expires": 60 * 50},
    },
    "indicators-refresh": {
        "task": "engagements.periodic.indicators_refresh_task",
        "schedule": timedelta(hours=6),
        "options": {"expires": 60 * 60 * 5},
    },
}

# Security -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every page (django-csp). No inline script or style anywhere: every
# script and stylesheet is a static file of ours; Bootstrap's icons are data: SVG images. A view
# that needs another policy sets its own header (evidence downloads: sandbox), which is kept.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
CSRF_COOKIE_HTTPONLY = True
# Request bodies: the largest legitimate one is an evidence file (or a buyer import) plus the
# form around it. A larger body is refused with a 413 page before it is read or stored
# (coopqualite/middleware.py); the reverse proxy should refuse it even earlier.
REQUEST_MAX_BODY_SIZE = (max(EVIDENCE_MAX_UPLOAD_MB, BUYER_IMPORT_MAX_UPLOAD_MB) + 1) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "coopqualite.middleware.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB: a larger file goes to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the form fields other than files
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Logging: to the console, one line per record. No personal data of buyers is logged, and
# survey tokens are cut out of every message (URLs of 404s, runserver's access lines).
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_tokens": {"()": "coopqualite.logfilters.RedactTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # WeasyPrint reports every layout step at INFO and every unknown CSS property.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
