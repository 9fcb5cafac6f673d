"""Settings for newsroom: one module, read from the environment (see .env.example)."""

import sys
import tempfile
from pathlib import Path

import environ
import PIL.Image
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")  # real environment variables win; a missing file is fine

DEBUG = env.bool("DEBUG", default=False)
# The test suite runs with DEBUG off, as production does, with a throwaway key, over plain HTTP
# on the test client, and without collectstatic. Nothing else changes under test.
TESTING = "pytest" in sys.modules

if DEBUG or TESTING:
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-and-test-only-key")
elif not (SECRET_KEY := env("SECRET_KEY", default="")):
    sys.exit("SECRET_KEY is not set: set the SECRET_KEY environment variable (or DEBUG=1).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "newsroom.desk_admin.DeskAdminConfig",  # django.contrib.admin, discovered on first use
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django_prose_editor",
    "reversion",
    "imagekit",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "newsroom",
    "inspections",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newsroom.staff_auth.SecondStepMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "newsroom.caching.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
SITE_ID = 1

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
                "newsroom.site.context",
            ],
        },
    },
    {  # the story page only: newsroom/jinja.py says why
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "newsroom.jinja.environment",
            "context_processors": ["newsroom.site.context"],
        },
    },
]

# Databases: a SQLite file by default; DATABASE_URL=postgres://... in production.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE plus a timeout makes a second
    # writer wait for the lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that stops answering costs a request seconds, not the worker's timeout; a
    # runaway query is stopped by the server (newsroom/availability.py answers 503).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=2)
    )
    statement_timeout = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=30_000)
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", f"-c statement_timeout={statement_timeout}"
    )
# Reader pages (anonymous GET and HEAD) run every query under this limit: on PostgreSQL a
# statement timeout, on SQLite an interrupt at the deadline. A page that hits it gets a plain
# 503 (newsroom/availability.py) and frees its worker. Staff are not limited by it. 0 = off.
READER_STATEMENT_TIMEOUT_MS = env.int("READER_STATEMENT_TIMEOUT_MS", default=3_000)
# Keep connections open between requests (opening one, and SQLite's PRAGMAs, costs more than
# many of a page's queries); health checks replace a connection the server has dropped.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Only here: on SQLite it would load psycopg (15 MiB in every worker) for nothing.
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The default cache must be shared by every process of the site: the page cache's content
# generation lives there (newsroom/caching.py). Redis in production; by default a directory of
# files, which every worker on one machine shares. Each test run gets a directory of its own.
CACHE_DIR = env("CACHE_DIR", default=None) or (
    tempfile.mkdtemp(prefix="newsroom-test-cache-") if TESTING else str(BASE_DIR / ".cache")
)
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{CACHE_DIR}")}
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 10_000)
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # A Redis that stops answering must not hold a request: the site goes on without it.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_on_timeout": False}
    )
# django-imagekit remembers which renditions exist; that memory may be per process, and must not
# make a story page fail when the shared cache is down.
CACHES["imagekit"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
IMAGEKIT_CACHE_BACKEND = "imagekit"
# Anonymous reader pages are cached whole for this long; every committed write moves the
# generations of what it touches, which are part of each key, so a change is visible at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# A shared cache in front (a proxy or a CDN; deploy/nginx.conf) may keep an anonymous reader
# page this long (s-maxage) and serve it this much longer while it fetches a fresh one
# (stale-while-revalidate); it revalidates by ETag. Staff, sessions and previews: never.
PROXY_CACHE_SECONDS = env.int("PROXY_CACHE_SECONDS", default=60)
PROXY_STALE_SECONDS = env.int("PROXY_STALE_SECONDS", default=30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: five failures lock the username from that address for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Argon2 for every new or changed password; an older PBKDF2 hash still verifies and is replaced
# by an Argon2 one when its owner next logs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# A staff session ends after a working day without a request, not a fixed time after logging in:
# saving it on every request moves its expiry on. That costs one session write per staff
# request; readers have no session, and an empty session is never written.
SESSION_COOKIE_AGE = 10 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
# Two-factor sign-in (django-otp, TOTP; newsroom/staff_auth.py): with this on, Editors and
# Administrators must set up an authenticator app at their first sign-in and give its code after
# their password. Anyone who has set one up is always asked for its code. Off under DEBUG, so
# the accounts `make run` prints log in with their password alone.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=not DEBUG)
# The device admin never shows a key or its QR code: only its owner sees that, while setting up.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Development and the suite serve static files straight from the app folders.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMAGE_UPLOAD_MAX_BYTES = env.int("IMAGE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Pixels a picture may have: more than a 48-megapixel camera makes, far more than a page shows.
# An upload with more is refused; Pillow will not open a file with over twice as many at all
# (a decompression bomb: a small file that decodes to gigabytes).
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=50_000_000)
PIL.Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS
# Renditions are queued when a picture is saved and made after the commit, on a background
# thread, never in a request (articles/images.py says why).
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
IMAGEKIT_DEFAULT_CACHEFILE_BACKEND = "articles.images.AfterCommit"

# Security. Production is secure by default; each switch can be turned off for a deployment
# that really needs it (documented in .env.example).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    # Only behind a TLS-terminating proxy that sets this header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A load balancer asks /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # security.W021 (HSTS preload off): joining browsers' preload lists is a one-way commitment
    # for the whole domain; a deployment opts in deliberately with SECURE_HSTS_PRELOAD=1.
    "security.W021",
]

# Content Security Policy: no inline scripts, styles or event handlers anywhere on the site.
# NONCE appears in the header only on a response that used request.csp_nonce: the admin's
# rich-text editor, whose import map is an inline script. Reader pages never use it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The rich-text editor is allowed exactly what a story needs; the same list drives sanitising.
PROSE_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    # Without autolink, tiptap's link mark is not inclusive: typing after a link is plain text.
    "Link": {"enableTarget": False, "autolink": False, "protocols": ["http", "https", "mailto"]},
    # The browser's spell-check stays on (the editor turns it off by default).
    "NoSpellCheck": False,
    # Paragraph, H2 and H3 as visible buttons rather than a drop-down.
    "Menu": {
        "groups": [
            {"group": "blockType -lists"},
            {"group": "lists"},
            {"group": "nodes -blockType -lists"},
            {"group": "marks"},
            {"group": "link"},
            {"group": "history"},
            {"group": "utility"},
        ]
    },
}

# The publisher, for JSON-LD, feeds and the Google News sitemap.
PUBLISHER_NAME = env("PUBLISHER_NAME", default="The Fenland Courier")
PUBLISHER_LANGUAGE = "en"

LOGIN_URL = "admin:login"
OTP_TOTP_ISSUER = PUBLISHER_NAME  # the name the authenticator app shows beside the code
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    # Django's own "django" logger has a console handler of its own under DEBUG and also passes
    # each record up to the root's: every line was written twice. It now only passes them up.
    "loggers": {"django": {"handlers": [], "level": env("LOG_LEVEL", default="INFO")}},
}
