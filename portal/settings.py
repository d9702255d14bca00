"""Settings, all from the environment (see README). Unset URLs mean embedded services."""

import datetime
import os
import urllib.parse
import warnings
from pathlib import Path

import environ
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from csp.constants import UNSAFE_INLINE as CSP_UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from portal import embedded

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

# No DATABASE_URL means a development run on the embedded servers (make run, or manage.py in another
# shell beside it): use the keys make run keeps under var/secrets/, never the refused defaults below.
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("SECRET_KEY", embedded.local_secret("secret_key"))
    os.environ.setdefault("AUDIT_KEY", embedded.local_secret("audit_key"))
embedded.ensure_services()

DEBUG = env.bool("DEBUG", default=False)
# With DEBUG off the portal refuses to start on the development key (issue 11): `make run`
# (portal/run.py), `make test` and pytest (pyproject.toml) set their own development keys.
DEV_SECRET_KEY = "dev-insecure-key-change-me-in-production-0123456789"
SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG 为 false 时不能使用开发用 SECRET_KEY：请在环境变量 SECRET_KEY 中设置一个足够长的随机值（见 README“配置”）。"
        " / With DEBUG false the portal refuses the development SECRET_KEY: set SECRET_KEY in the environment."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "import_export",
    "axes",
    "csp",
    "pgtrigger",
    "django_otp",  # TOTP two-factor sign-in of entity users (issue 14 §1)
    "django_otp.plugins.otp_totp",
    "core",
    "supervision",
    "credit",
    "inspections",
    "enforcement",
    "oversight",  # daily figures, dashboard, 履职评估, 督办 (issue 17)
    "enterprise",  # the entity side, /enterprise/ (issue 14)
    "opendata",  # open API, bulk files, feeds, webhooks, rulebook, exchange files (issue 15)
    "demo",  # demo data and ``manage.py seed_demo`` (issue 13 §4)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.compression.PublicHtmlGZipMiddleware",  # public HTML without secrets only (BREACH; issue 16 §1)
    "core.middleware.RequestIdMiddleware",
    "core.middleware.RejectOversizedMiddleware",
    "core.middleware.RejectNulMiddleware",
    "core.replica_middleware.ReplicaRoutingMiddleware",  # replica or primary; primary down: 503 (issue 16 §5)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "core.User"
DEPARTMENT_MODEL = "supervision.Department"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
# A unix-socket URL (the embedded server) names its directory as ?host=; dbshell wants HOST.
if "host" in DATABASES["default"].get("OPTIONS", {}):
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that does not answer fails a request (and /readyz) in seconds, not minutes (issue 11 §2).
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
DATABASES["default"].setdefault("TEST", {})["NAME"] = env("TEST_DATABASE_NAME", default="test_portal")
# The read replica (issue 16 §5, core.dbrouting, README "只读副本"): unset, one database as before.
# Set, public pages and the open API read from it (core.replica_middleware); writes stay on default.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    if "host" in DATABASES["replica"].get("OPTIONS", {}):
        DATABASES["replica"]["HOST"] = DATABASES["replica"]["OPTIONS"].pop("host")
    DATABASES["replica"].update(CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True)
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_REPLICA_CONNECT_TIMEOUT", default=2)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests never create a second test database
    DATABASE_ROUTERS = ["core.dbrouting.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=2)  # the 2 s promise of §1's caching
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)  # read-your-writes after a write, per browser
REPLICA_RETRY_SECONDS = env.float("REPLICA_RETRY_SECONDS", default=5)  # a replica found down is asked again after
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")


def _redis_db_of_test_worker(url: str) -> str:
    """Under pytest-xdist each test worker (gw0, gw1…) gets its own Redis database, since tests clear
    the cache (FLUSHDB) and a Celery worker a test starts must read its own broker queue. The URL is
    put back in the environment once, so the processes a test starts inherit it as it is."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or os.environ.get("PORTAL_REDIS_DB_OF_WORKER"):
        return url
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    if parts.scheme == "unix":
        query["db"] = str((int(query.get("db", 0)) + 1 + int(worker[2:])) % 16)
        url = url.split("?", 1)[0] + "?" + urllib.parse.urlencode(query)  # urlunsplit would drop the "//"
    else:
        db = (int(parts.path.strip("/") or 0) + 1 + int(worker[2:])) % 16
        url = urllib.parse.urlunsplit(parts._replace(path=f"/{db}"))
    os.environ["REDIS_URL"], os.environ["PORTAL_REDIS_DB_OF_WORKER"] = url, "1"
    return url


REDIS_URL = _redis_db_of_test_worker(REDIS_URL)


def _celery_url(url: str) -> str:
    # Celery/kombu name a unix socket "redis+socket://" (its database as ?virtual_host=), redis-py "unix://" (?db=).
    if not url.startswith("unix://"):
        return url
    return "redis+socket://" + url[len("unix://") :].replace("?db=", "?virtual_host=")


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="portal"),
        # Redis down must never hang a request (issue 11): short connect/read timeouts; the
        # throttles then fail open (core.api.throttling) instead of waiting.
        "OPTIONS": {
            "socket_connect_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
            "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
            "client_name": embedded.redis_client_name(),
        },
    }
}
# The public pages' cache (core.pagecache, issue 16 §1): entries are retired by change events and audit
# events on commit; this is only the longest an entry lives (a backstop). 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_BROKER_URL = _celery_url(REDIS_URL)
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_RESULT_EXPIRES = 86400
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Issue 11 §2 (core.jobs): per-job time limits; an unacknowledged (acks_late) message of a dead worker
# is redelivered after the broker's visibility timeout (below), longer than every job's hard time limit.
CELERY_TASK_ANNOTATIONS = ("core.jobs.TimeLimits",)
CELERY_BEAT_SYNC_EVERY = 1  # beat saves last_run_at after each job it sends: /readyz reads it
# A job's database session: a frozen worker's locks are released after these many seconds (core.jobs).
JOB_IDLE_IN_TRANSACTION_TIMEOUT = env.int("JOB_IDLE_IN_TRANSACTION_TIMEOUT", default=120)
JOB_STATEMENT_TIMEOUT = env.int("JOB_STATEMENT_TIMEOUT", default=0)  # 0: each job's own (core.jobs.LIMITS)
# /readyz (core.health): the worker's heartbeat period and the age after which it is stale; how
# late the most frequent beat job may be.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10)
WORKER_STALE_SECONDS = env.int("WORKER_STALE_SECONDS", default=60)
BEAT_GRACE_SECONDS = env.int("BEAT_GRACE_SECONDS", default=300)
# Queueing a task from a request never blocks it for more than about a second (issue 11): with the
# broker down or hung, connecting, each command and the publish retries are all bounded, and the
# caller logs the failure instead of raising (credit.regrade.publish). The work itself is not lost:
# the change wrote its mark in its own transaction, and the beat job drains the marks.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": env.float("CELERY_BROKER_TIMEOUT", default=1.0),
    "socket_timeout": env.float("CELERY_BROKER_TIMEOUT", default=1.0),
    "max_retries": 1,
    # Issue 11 §2: a dead worker's unacknowledged message is redelivered after this; longer than every
    # job's time limit (core.jobs), so a job still running is never handed out twice.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7200),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=1.0)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login lockout (core.login_lockout, issue 11): the pair (username, address) is locked after
# AXES_FAILURE_LIMIT failures; one address after AXES_IP_FAILURE_LIMIT failures over any usernames;
# both for 15 minutes, or until a platform administrator deletes the record in the admin.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "core.login_lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "core.login_lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# The name entity users see in their authenticator app (django-otp TOTP, issue 14 §1).
OTP_TOTP_ISSUER = "综合监管平台"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The English catalogue (issue 18 §2): locale/en/LC_MESSAGES/django.po, compiled by
# `manage.py compile_catalogues` in `make run` and `make test` (*.mo files are not committed).
# locale/zh_Hans holds the few Chinese strings Django's and django-celery-beat's catalogues lack.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic's output: `make run` and the docker web service collect before serving (issue 16 §1).
STATIC_ROOT = Path(
    env("STATIC_ROOT", default=str(Path(env("PORTAL_VAR_DIR", default=str(BASE_DIR / "var"))) / "static"))
)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed static files by default (issue 16 §1): WhiteNoise serves the hashed names with a
# 10-year `immutable` Cache-Control and the .gz copy to browsers that accept it. DEBUG keeps the plain
# storage so edited CSS shows at once; the tests set STATIC_MANIFEST=0 (pyproject.toml) and check the
# manifest path on its own (tests/core/test_static_files.py).
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "portal.staticfiles.PortalStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# A name missing from the manifest falls back to its unhashed URL instead of a 500 (portal/staticfiles.py).
WHITENOISE_MANIFEST_STRICT = False
# Without collected files (runserver, tests), WhiteNoise serves straight from the finders.
WHITENOISE_USE_FINDERS = not (STATIC_MANIFEST and (STATIC_ROOT / "staticfiles.json").exists())
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"

# Open data (issue 15): the nightly bulk files (§2) and the front-end-processor exchange folder (§6).
OPEN_DATA_DIR = env("OPEN_DATA_DIR", default=str(BASE_DIR / "var" / "open-data"))
OPEN_DATA_KEEP_DAYS = 7  # issue 15 §2: the last 7 days are kept
OPEN_DATA_WORKERS = env.int("OPEN_DATA_WORKERS", default=2)  # database sessions writing the files at once
# The authority of the Atom entries' tag: ids (§5). Set once per deployment and never changed, or every
# feed reader sees every entry again.
FEED_TAG_AUTHORITY = env("FEED_TAG_AUTHORITY", default="supervision-platform")
# The outbound exchange to the provincial platform: "folder" (前置机, files in EXCHANGE_DIR) or "http".
EXCHANGE_CONNECTOR = env("EXCHANGE_CONNECTOR", default="folder")
EXCHANGE_DIR = env("EXCHANGE_DIR", default=str(BASE_DIR / "var" / "exchange"))
EXCHANGE_HTTP_URL = env("EXCHANGE_HTTP_URL", default="")
EXCHANGE_HTTP_KEY = env("EXCHANGE_HTTP_KEY", default="")
# The open API (issue 15 §1): no key, throttled per IP.
OPEN_API_RATE = env("OPEN_API_RATE", default="120/minute")
# Webhooks (§4): an API key must not make the worker probe our own network, so loopback, private and
# link-local receivers are refused unless this is on (tests and local demos only).
WEBHOOK_ALLOW_PRIVATE_HOSTS = env.bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", default=False)
WEBHOOK_THREADS = env.int("WEBHOOK_THREADS", default=16)  # concurrent POSTs of one worker

# E-mail (issue 14 §2, the entity inbox): the file backend under var/mail/ unless EMAIL_BACKEND names
# another (production: django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST etc.).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="综合监管平台 <noreply@portal.example.cn>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.HasScope"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON nested too deep or with a lone surrogate is a 400, not a 500 (core.api.parsers, issue 11).
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.ClientRateThrottle", "core.api.throttling.AnonIpThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "client": env("API_CLIENT_RATE", default="100000/day"),
        "anon": env("API_ANON_RATE", default="60/minute"),
    },
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "综合监管平台 API",
    "DESCRIPTION": "供其他部门系统调用的接口（逢办必查、信用记录推送、公开结果）。契约见 API.md。",
    "VERSION": "1.0.0",
    "ENUM_NAME_OVERRIDES": {
        "EntityStatusEnum": "supervision.choices.EntityStatus",
        "RuleStatusEnum": "opendata.api.open_rules_serializers.RULE_STATUS_CHOICES",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files (no CDN: pages must work offline).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {"portal": {"level": "INFO"}, "core": {"level": "INFO"}},
}

if not DEBUG and env.bool("SECURE_COOKIES", default=False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# HTTPS behind a proxy (README, 生产部署). All off by default so `make run` works on plain HTTP.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]  # probes on the container's own port
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# "X-Forwarded-Proto" (the header the proxy sets, and strips from clients) or empty for none.
_ssl_header = env("SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = ("HTTP_" + _ssl_header.upper().replace("-", "_"), "https") if _ssl_header else None

# Content-Security-Policy (django-csp 4): no inline script anywhere; every script is a static file
# (templates/ use data-* attributes and json_script for their data). Inline style attributes stay
# allowed (the admin and the chart library set them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF, CSP_UNSAFE_INLINE],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF, "data:"],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}

os.environ.setdefault("PORTAL_SETTINGS_LOADED", "1")

# Complaints whose reported entity is not in the roster go to this department (code, e.g. ZZSJ);
# empty: the market-regulation department (enforcement.services.complaint_default_department).
COMPLAINT_DEFAULT_DEPARTMENT = env("COMPLAINT_DEFAULT_DEPARTMENT", default="")

# The largest request body accepted (core.middleware.RejectOversizedMiddleware): 10 evidence files of
# 10 MB on the field form (inspections.field_forms) plus 5 MB for the form itself. Larger: 413 unread.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=105 * 1024 * 1024)

# How many reverse proxies in front of the portal append to X-Forwarded-For (core.net.client_ip).
# 0: the client is the socket's peer and forwarded headers are ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# The audit chain (core.audit, core.anchors; issue 11 §3). AUDIT_KEY keys the chain's HMAC and is
# kept apart from SECRET_KEY and from the database; the development default is refused with
# DEBUG off (see the check below). Anchors of the chain head go to AUDIT_ANCHOR_DIR/anchors.log.
DEV_AUDIT_KEY = "dev-audit-key-not-for-production-0123456789"
AUDIT_KEY = env("AUDIT_KEY", default=DEV_AUDIT_KEY)
if not DEBUG and AUDIT_KEY in ("", DEV_AUDIT_KEY, SECRET_KEY):
    raise ImproperlyConfigured(
        "DEBUG 为 false 时必须在环境变量 AUDIT_KEY 中设置审计链密钥（足够长的随机值，且不同于 SECRET_KEY，见 README“配置”）。"
        " / With DEBUG false the portal needs AUDIT_KEY in the environment (random, not the development key, not SECRET_KEY)."
    )
AUDIT_ANCHOR_DIR = env("AUDIT_ANCHOR_DIR", default=str(BASE_DIR / "var" / "audit"))
# Keys the stored query codes of public filings (core.query_codes; issue 11 §3), so a copy of the
# database does not give the 6 digits away. Changing it makes every issued query code unusable.
# Empty: derived from SECRET_KEY (itself refused on its development default with DEBUG off).
QUERY_CODE_KEY = env("QUERY_CODE_KEY", default="")
# The role web, worker and beat connect as: no ownership, INSERT/SELECT only on the audit table
# (core.dbroles; `manage.py grant_app_role` runs as the owner after migrate).
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", default="portal_app")

# --- issue 18 §1.1: report and decision signing, public base URL (part "reports") -----------------

# The portal's public address, e.g. https://xy.zhengzhou.gov.cn (no trailing slash needed): printed
# reports carry absolute 核验地址 and QR codes, and the party's record links and activation letters
# are absolute with it. `make run` sets it to its own address when unset. Empty: site-relative paths
# (a printed report then cannot be verified from paper; `check --deploy` warns).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="").strip().rstrip("/")
# pyHanko imports cryptography's DSA module, which warns on import; the portal never signs with DSA.
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")
# PAdES signatures of the credit report and the 行政处罚决定书 (core.pdf_signing). Production: the key
# and certificate issued by the government CA (README, 报告签名), PEM or DER, the key outside the
# repository (ideally in an HSM). Both unset: a self-signed development certificate under
# REPORT_SIGNING_DEV_DIR, created on first use (`make run` says so; `check --deploy` warns).
REPORT_SIGNING_KEY = env("REPORT_SIGNING_KEY", default="")
REPORT_SIGNING_CERT = env("REPORT_SIGNING_CERT", default="")
REPORT_SIGNING_KEY_PASSPHRASE = env("REPORT_SIGNING_KEY_PASSPHRASE", default="")
REPORT_SIGNING_DEV_DIR = env(
    "REPORT_SIGNING_DEV_DIR", default=str(Path(env("PORTAL_VAR_DIR", default=str(BASE_DIR / "var"))) / "signing")
)
if bool(REPORT_SIGNING_KEY) != bool(REPORT_SIGNING_CERT):
    raise ImproperlyConfigured(
        "REPORT_SIGNING_KEY 与 REPORT_SIGNING_CERT 须同时设置（签名私钥与证书，见 README“报告签名”）。"
        " / Set both REPORT_SIGNING_KEY and REPORT_SIGNING_CERT, or neither."
    )

# (end of the reports part's settings)


# --- issue 18 §1.2: site identity (part "site") ---------------------------------------------------

# Who runs the site (issue 18 §1.2; 政府网站发展指引 (国办发〔2017〕47号) 第四部分: every page names its
# 主办单位, contact, 网站标识码 and ICP备案号, and a 公安机关备案号 with its link). Shown in the public header and
# footer and on /help/ and /about/ (core.context_processors.site_identity). The defaults describe the
# demo city; a deployment sets its own.
SITE_CITY = env("SITE_CITY", default="郑州市")
SITE_NAME = env("SITE_NAME", default=f"{SITE_CITY}事中事后综合监管平台")
SITE_HOST_ORG = env("SITE_HOST_ORG", default=f"{SITE_CITY}市场监督管理局")  # 主办单位
SITE_OPERATOR_ORG = env("SITE_OPERATOR_ORG", default=f"{SITE_CITY}大数据管理局")  # 承办单位; empty: not shown
SITE_CONTACT_PHONE = env("SITE_CONTACT_PHONE", default="0371-12315")
SITE_CONTACT_EMAIL = env("SITE_CONTACT_EMAIL", default="xyjg@scjg.zhengzhou.gov.cn.example")
SITE_CONTACT_ADDRESS = env("SITE_CONTACT_ADDRESS", default="郑州市郑东新区心怡路与商务外环路交叉口")
# Their official English names, shown on the English pages (empty: the Chinese name is shown).
SITE_CITY_EN = env("SITE_CITY_EN", default="Zhengzhou")
SITE_HOST_ORG_EN = env("SITE_HOST_ORG_EN", default="Zhengzhou Administration for Market Regulation")
SITE_OPERATOR_ORG_EN = env("SITE_OPERATOR_ORG_EN", default="Zhengzhou Big Data Administration")
SITE_GOV_ID = env("SITE_GOV_ID", default="4101000099")  # 网站标识码: 10 characters, assigned by the 国务院办公厅
SITE_ICP = env("SITE_ICP", default="豫ICP备00000000号")  # ICP备案号, links to beian.miit.gov.cn
SITE_PSB = env("SITE_PSB", default="豫公网安备41010002000000号")  # 公安机关备案号, links to beian.mps.gov.cn
TEMPLATES[0]["OPTIONS"]["context_processors"] += [
    "core.context_processors.site_identity",
    "core.context_processors.public_menu",
]

# (end of the site part's settings)


# --- issue 18 §1.5-1.8: admin, API (part "adminapi") ----------------------------------------------

# The API schema as people read it (core.api.schema): 401/403/429 on every operation that can answer
# them, Chinese tags with descriptions, real examples, the info text linking /api/guide/.
# `/api/schema/?lang=en` and `/api/docs/?lang=en` give the English (drf-spectacular's lang).
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "core.api.schema.PortalAutoSchema"
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "core.api.schema.postprocess",
]
SPECTACULAR_SETTINGS["DESCRIPTION"] = "供其他部门系统调用的接口。使用指南见 /api/guide/。"

# (end of the adminapi part's settings)


# --- issue 18 §2: languages (part "i18n") ----------------------------------------------------------

# (end of the i18n part's settings)
