"""Settings for the Business Region Örebro portal.

One module for every environment. Everything that differs between machines comes
from environment variables (see README, "Configuration"); a malformed value stops
the process at start-up instead of surfacing as odd behaviour later.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from brorebro.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BROREBRO_VAR_DIR", str(BASE_DIR / "var")))

TESTING = "pytest" in sys.modules
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
_local_key = VAR_DIR / "secret_key"  # written by `make run` for the single-machine setup
if not SECRET_KEY and _local_key.is_file():
    SECRET_KEY = _local_key.read_text().strip()
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production).")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- HTTPS. Off for the local quick start, on in production (check --deploy is clean).
HTTPS = env_bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", HTTPS)
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of the portal append to X-Forwarded-For; the client's
# address is that many entries from the right (brorebro.proxies). 0: the socket address.
TRUSTED_PROXY_HOPS = env_int("DJANGO_TRUSTED_PROXY_HOPS", 0)
if TRUSTED_PROXY_HOPS < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_HOPS must be 0 or more.")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    # First, so that its translations win over Django's where the msgids are the same.
    "brorebro",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "django_filters",
    "leaflet",
    "simple_history",
    "axes",
    "premises",
    "land",
    "surveys",
    "skills",
    "establishment",
    # The durable e-mail queue (brorebro.mail): django-tasks with its database backend
    # (django-tasks-db since django-tasks 0.12), worked off by `manage.py db_worker`.
    "django_tasks",
    "django_tasks_db",
    "brorebro.mail",
    "alerts",
    # Last, as its documentation asks: deletes a stored file when its record is deleted or
    # the file is replaced, after the transaction commits (uploads do not outlive listings).
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "brorebro.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "brorebro.middleware.RejectNulBytesMiddleware",
    "brorebro.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "brorebro.urls"
WSGI_APPLICATION = "brorebro.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "brorebro.context_processors.site",
            ],
        },
    },
]
# Django's form renderer, with the plain <input> widgets built in Python (brorebro/renderer.py).
FORM_RENDERER = "brorebro.renderer.FastInputRenderer"

# --- Database: DATABASE_URL picks PostGIS (postgis://) or SpatiaLite (spatialite:///path).
DATABASE_URL = env_str("DATABASE_URL", f"spatialite:///{VAR_DIR / 'brorebro.sqlite3'}")
_db_scheme = urlsplit(DATABASE_URL).scheme
if _db_scheme not in {"postgis", "spatialite"}:
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with postgis:// or spatialite:///, got {_db_scheme!r}"
    )
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if _db_scheme == "postgis":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 3)
    # PostGIS functions are costed high, so the planner JIT-compiles short map queries with
    # LLVM on every request, which costs more than the query (bench/RESULTS.md).
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
else:
    # An in-memory test database lets pytest-xdist workers run side by side.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
SPATIALITE_LIBRARY_PATH = env_str("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
IS_POSTGIS = _db_scheme == "postgis"

# Optional read replica; see brorebro.routers.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    DATABASE_ROUTERS = ["brorebro.routers.ReplicaRouter"]

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Storage projection: SWEREF 99 TM. Everything at the edges (maps, GeoJSON, CSV) is 4326.
SRID = 3006

# The county the portal serves (two-digit län code; 18 = Örebro län). Another region runs
# the portal by setting this and loading its own municipalities.
COUNTY_CODE = env_str("COUNTY_CODE", "18")
if not (len(COUNTY_CODE) == 2 and COUNTY_CODE.isdigit()):
    raise ImproperlyConfigured("COUNTY_CODE must be two digits, e.g. 18.")

# --- Cache: local memory by default, Redis when CACHE_URL is redis://…
CACHE_URL = env_str("CACHE_URL", "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL must be locmem:// or redis://…, got {CACHE_URL!r}")
# Seconds a reverse proxy, CDN or browser may keep an anonymous public page (Cache-Control:
# public, max-age). 0 turns the sharing of whole responses (and their ETags) off.
PUBLIC_CACHE_MAX_AGE = env_int("PUBLIC_CACHE_MAX_AGE", 60)
if PUBLIC_CACHE_MAX_AGE < 0:
    raise ImproperlyConfigured("PUBLIC_CACHE_MAX_AGE must be 0 or more seconds.")

SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Admin login throttling (django-axes): lock a username+IP after N failures.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "brorebro.proxies.client_address"  # the same client as the inquiry limit

# --- Languages: Swedish first, English second.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS: list[Path] = []  # catalogs live in each app: <app>/locale/
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static and media files.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": env_str("DJANGO_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# S3-compatible object storage for uploads (django-storages), for several app servers.
# django-storages reads these from settings only, so they are passed on from the environment.
for _name in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME", "AWS_S3_CUSTOM_DOMAIN"):
    if env_str(_name):
        globals()[_name] = env_str(_name)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMAGE_MAX_UPLOAD_BYTES = env_int("IMAGE_MAX_UPLOAD_BYTES", 8 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
PDF_MAX_UPLOAD_BYTES = env_int("PDF_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
PDF_MAX_PAGES = env_int("PDF_MAX_PAGES", 50)
# Caps on every import file (README, "Limits on import files"): a file over any of them is
# refused with a message before it is read in full, so no upload can exhaust a worker.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 25 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
# GIS files: saving a plot with its history takes 5–10 ms, so 2 000 features stay well under a
# 30 s worker timeout; a larger file is imported on the command line with the variable raised.
IMPORT_MAX_FEATURES = env_int("IMPORT_MAX_FEATURES", 2_000)

# --- Email. The console in development; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds the worker waits for the SMTP server before the attempt counts as failed (and is
# retried); without it a server that accepts the connection and then hangs blocks the queue.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Business Region Örebro <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Every e-mail is queued in the database (brorebro.mail) and sent by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A failed delivery is tried again after MAIL_RETRY_SECONDS, doubling each time, until
# MAIL_MAX_ATTEMPTS (8 attempts: about 2 hours with the default of 60 s); then it is
# marked failed in the admin ("Outgoing e-mails") and can be sent again from there.
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 8)
MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", 60)
# Sent and failed messages are deleted after this many days (`purge_outgoing_email`).
MAIL_KEEP_DAYS = env_int("MAIL_KEEP_DAYS", 30)
# Saved searches with e-mail alerts (alerts/): per address, creations per hour per client
# and per address, days to confirm, months without activity before deletion.
ALERTS_PER_ADDRESS = env_int("ALERTS_PER_ADDRESS", 10)
ALERT_RATE_LIMIT = env_int("ALERT_RATE_LIMIT", 20)
ALERT_EMAIL_RATE_LIMIT = env_int("ALERT_EMAIL_RATE_LIMIT", 5)
ALERT_CONFIRM_DAYS = env_int("ALERT_CONFIRM_DAYS", 7)
ALERT_RETENTION_MONTHS = env_int("ALERT_RETENTION_MONTHS", 12)

# --- Maps. The tile server is the only third party the browser talks to.
TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
_tile_parts = urlsplit(TILE_URL.replace("{s}.", "*."))
TILE_ORIGIN = f"{_tile_parts.scheme}://{_tile_parts.netloc}" if _tile_parts.netloc else ""
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (59.28, 15.0),
    "DEFAULT_ZOOM": 8,
    "MIN_ZOOM": 4,
    "MAX_ZOOM": 18,
    "TILES": [("", TILE_URL, {"attribution": TILE_ATTRIBUTION, "maxZoom": 19})],
    "ATTRIBUTION_PREFIX": "Leaflet",
    "RESET_VIEW": False,
    # A string, not True: hashed static names break Leaflet's own icon-path guessing.
    "FORCE_IMAGE_PATH": STATIC_URL + "leaflet/images/",
}

# --- Domain settings.
INQUIRY_RETENTION_MONTHS = env_int("INQUIRY_RETENTION_MONTHS", 24)
# Inquiries per hour, counted in the database: per client address (wide enough for an office
# behind one address) and per e-mail address (one sender).
INQUIRY_RATE_LIMIT = env_int("INQUIRY_RATE_LIMIT", 20)
INQUIRY_EMAIL_RATE_LIMIT = env_int("INQUIRY_EMAIL_RATE_LIMIT", 5)
LISTING_FLAG_AFTER_DAYS = env_int("LISTING_FLAG_AFTER_DAYS", 90)
LISTING_HIDE_AFTER_DAYS = env_int("LISTING_HIDE_AFTER_DAYS", 180)
SEARCH_PAGE_SIZE = 20

SILENCED_SYSTEM_CHECKS = ["gis.W001"]  # GDAL 3.6 on Debian 12; harmless here.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
