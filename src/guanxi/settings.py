"""Django settings for Guanxi.

Everything that differs between a laptop demo and a production site comes from the
environment: GUANXI_DATA_DIR, DATABASE_URL, GUANXI_SECRET_KEY, GUANXI_FIELD_KEY, GUANXI_DEBUG.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from guanxi.core.keys import load_or_create_keys

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GUANXI_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

_keys = load_or_create_keys(DATA_DIR)
SECRET_KEY = os.environ.get("GUANXI_SECRET_KEY") or _keys["secret_key"]
# Fernet key for PII at rest and the HMAC key of the blind index (ARC-6).
GUANXI_FIELD_KEY = os.environ.get("GUANXI_FIELD_KEY") or _keys["field_key"]
GUANXI_INDEX_KEY = os.environ.get("GUANXI_INDEX_KEY") or _keys["index_key"]

DEBUG = os.environ.get("GUANXI_DEBUG", "0") == "1"
# Unset: this machine only. A wildcard would let a spoofed Host header decide where redirects
# (login's `next`) and links in e-mails point; name the hosts a site is served under.
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("GUANXI_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("GUANXI_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_tasks_db",
    "axes",
    "ninja",  # serves its Swagger UI from local static files instead of a CDN (API docs)
    "guanxi.core",
    "guanxi.accounts",
    "guanxi.customers",
    "guanxi.pipeline",
    "guanxi.sales",
    "guanxi.care",
    "guanxi.service",
    "guanxi.satisfaction",
    "guanxi.imports",
    "guanxi.webhooks",
    "guanxi.portal",
]

MIDDLEWARE = [
    "guanxi.core.middleware.ServerTimingMiddleware",
    "guanxi.core.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "guanxi.core.middleware.FormLineBreaksMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "guanxi.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "guanxi.core.middleware.PrivateResponsesMiddleware",
    "csp.middleware.CSPMiddleware",
    "guanxi.core.middleware.DatabaseBusyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "guanxi.urls"
CSRF_FAILURE_VIEW = "guanxi.core.views.csrf_failure"
WSGI_APPLICATION = "guanxi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guanxi.accounts.context_processors.navigation",
            ],
        },
    },
    {
        # the repeated fragments of the hot pages (rows, cards): core.jinja, docs/decisions.md
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "guanxi.core.jinja.environment"},
    },
]
# The navbar's menu is rendered once per language, permission set and section (navbar.html's
# {% cache %}); nothing else is cached. Per process, like the template loader's cache; a
# deployment with several machines can point this at Redis (docs/scale-out.md).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
# Django's cached template loader is on (the default without explicit "loaders"). Widgets: the
# stock input/select/textarea markup built in Python, not ~3 template includes per option.
FORM_RENDERER = "guanxi.core.form_renderer.FastWidgetRenderer"

_default_sqlite = f"sqlite:///{DATA_DIR / 'guanxi.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Kept open between requests like PostgreSQL's: opening one (the PRAGMAs, Django's
    # functions, SQLite reading the schema) cost ~1.6 ms of every request (issue 13). A
    # restore runs with Guanxi stopped (core.backup), so no worker keeps a replaced file.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while the task worker writes; IMMEDIATE makes a
        # writing transaction take the lock up front instead of failing half-way; writers
        # wait their turn up to 20 s (a burst of 40 concurrent writers) before a 503. Each
        # thread's connection caches 512 KiB of pages, not SQLite's 2 MiB: the kernel's page
        # cache holds the file once for every thread and worker (docs/decisions.md).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            " PRAGMA cache_size=-512;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compilation costs 100 ms to 1 s per query on the large customer table and pays
    # off only for long analytical queries; pages run short OLTP queries (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out (username, address) or address before the
# password is looked at (docs/deployment.md "Login limits").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock-out after repeated failed logins (and wrong current passwords on the profile page):
# counted per (username, client address) and per client address, never per username alone,
# so nobody can lock an account out for everyone from one address (docs/decisions.md).
GUANXI_LOGIN_MAX_FAILURES = int(os.environ.get("GUANXI_LOGIN_MAX_FAILURES", "5"))
GUANXI_LOGIN_LOCK_MINUTES = int(os.environ.get("GUANXI_LOGIN_LOCK_MINUTES", "15"))
# Failures from one address, whatever the usernames, before that address must wait.
GUANXI_LOGIN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("GUANXI_LOGIN_MAX_FAILURES_PER_ADDRESS", "20")
)
AXES_FAILURE_LIMIT = GUANXI_LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = "guanxi.accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "guanxi.accounts.lockout.LoginLimitHandler"
AXES_CLIENT_IP_CALLABLE = "guanxi.core.audit.client_ip"
# The login view answers a lock-out itself (translated, in the page): axes' middleware keeps it.
AXES_LOCKOUT_CALLABLE = "guanxi.accounts.lockout.keep_response"
# Logins are in the audit log already; success never clears an address's failures, else one
# valid account would let an address try again and again at another's password.
AXES_DISABLE_ACCESS_LOG = True
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
# axes keeps the POST of a failed attempt: no password of the login or profile forms in it.
AXES_SENSITIVE_PARAMETERS = ["password", "old_password", "new_password", "new_password2"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# Working hours of the working calendar (core.workdays), local time, Monday to Friday plus the
# 调休 make-up days: 8 hours with the customary lunch break (docs/decisions.md).
GUANXI_WORKING_HOURS = os.environ.get("GUANXI_WORKING_HOURS", "09:00-12:00,13:00-18:00")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "uploads"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "uploads"

# Attachments (ARC-4): size and type limits.
GUANXI_ATTACHMENT_MAX_BYTES = int(os.environ.get("GUANXI_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
GUANXI_ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain",
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# How many task workers share one spreadsheet import of customers on PostgreSQL (issue 16):
# as many tasks are queued for it; each worker takes the chunks the others do not hold.
IMPORT_WORKERS = int(os.environ.get("GUANXI_IMPORT_WORKERS", "2"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("GUANXI_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# E-mail (CARE-4): Django's mailers; the console by default (the demo prints its e-mails),
# SMTP when GUANXI_EMAIL_BACKEND=smtp, configured by the EMAIL_* environment variables of
# docs/deployment.md. (MAILERS replaces Django's EMAIL_* settings, deprecated in 6.1.)
_EMAIL_BACKEND = os.environ.get("GUANXI_EMAIL_BACKEND", "console")
if _EMAIL_BACKEND == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": os.environ.get("EMAIL_USE_TLS", "0") == "1",
                "use_ssl": os.environ.get("EMAIL_USE_SSL", "0") == "1",
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "30")),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": {"console": "django.core.mail.backends.console.EmailBackend"}.get(
                _EMAIL_BACKEND, _EMAIL_BACKEND
            )
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Guanxi <noreply@localhost>")
# Where links in e-mails (unsubscribe) and calendar feed URLs point.
GUANXI_SITE_URL = os.environ.get("GUANXI_SITE_URL", "http://localhost:8000").rstrip("/")
# SMS (CARE-4): "console" writes SMS to the log; "aliyun" sends through Aliyun's SendSms API
# (docs/deployment.md) with one registered template whose only variable is ${content}.
GUANXI_SMS_ADAPTER = os.environ.get("GUANXI_SMS_ADAPTER", "console")
GUANXI_SMS_ALIYUN = {
    "endpoint": os.environ.get("GUANXI_SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/"),
    "access_key_id": os.environ.get("GUANXI_SMS_ALIYUN_KEY_ID", ""),
    "access_key_secret": os.environ.get("GUANXI_SMS_ALIYUN_KEY_SECRET", ""),
    "sign_name": os.environ.get("GUANXI_SMS_ALIYUN_SIGN_NAME", ""),
    "template_code": os.environ.get("GUANXI_SMS_ALIYUN_TEMPLATE", ""),
    "region": os.environ.get("GUANXI_SMS_ALIYUN_REGION", "cn-hangzhou"),
}
# The shared secret of the inbound-SMS endpoint (replies "TD"/"退订"); unset: it answers 403.
GUANXI_SMS_INBOUND_SECRET = os.environ.get("GUANXI_SMS_INBOUND_SECRET", "")
# Messages sent per channel and minute at most (providers throttle; so do we).
GUANXI_MESSAGE_RATE_PER_MINUTE = {
    "email": int(os.environ.get("GUANXI_EMAIL_PER_MINUTE", "20000")),
    "sms": int(os.environ.get("GUANXI_SMS_PER_MINUTE", "600")),
    "in_app": int(os.environ.get("GUANXI_IN_APP_PER_MINUTE", "100000")),
}
# Quiet hours of customers without their own (local time, "HH:MM-HH:MM"; "off": none): a
# message due inside them waits for their end.
GUANXI_QUIET_HOURS = os.environ.get("GUANXI_QUIET_HOURS", "21:00-08:00")
# SMTP connections each send run keeps open side by side (sending is mostly waiting).
GUANXI_EMAIL_CONNECTIONS = int(os.environ.get("GUANXI_EMAIL_CONNECTIONS", "8"))
# How many send tasks work through a long queue side by side (one per worker is plenty).
GUANXI_MESSAGE_SENDERS = int(os.environ.get("GUANXI_MESSAGE_SENDERS", "2"))

# Production behind TLS (docs/deployment.md): GUANXI_HTTPS=1 makes cookies Secure, sends HSTS
# and trusts the proxy's X-Forwarded-Proto; such a site must name its hosts.
HTTPS = os.environ.get("GUANXI_HTTPS", "0") == "1"
# Without a proxy in front, X-Forwarded-For is whatever the client wrote: never believed.
TRUSTED_PROXY_COUNT = int(os.environ.get("GUANXI_TRUSTED_PROXIES", "0"))
if HTTPS:
    if "GUANXI_ALLOWED_HOSTS" not in os.environ:
        raise ImproperlyConfigured(
            "GUANXI_HTTPS=1 needs GUANXI_ALLOWED_HOSTS (e.g. crm.example.com)"
        )
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("GUANXI_HSTS_SECONDS", "31536000"))
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The proxies in front of Guanxi each append the address they were called from to
    # X-Forwarded-For; only those appended by our own proxies are believed (core.audit).
    TRUSTED_PROXY_COUNT = int(os.environ.get("GUANXI_TRUSTED_PROXIES", "1"))
    SECURE_SSL_REDIRECT = os.environ.get("GUANXI_SSL_REDIRECT", "1") == "1"
    CSRF_TRUSTED_ORIGINS += [f"https://{host}" for host in ALLOWED_HOSTS if host != "*"]

# The Server-Timing header tells a benchmark (bench/) how long the server worked; it is
# information an attacker can use for timing, so only where it is asked for.
SERVER_TIMING = os.environ.get("GUANXI_SERVER_TIMING", "0") == "1"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), payment=(), usb=(), geolocation=(self), interest-cohort=()"
)

# Content-Security-Policy (django-csp; docs/decisions.md "Content-Security-Policy"): scripts
# only from this site's static files — no inline script, no event-handler attributes, no eval
# (htmx without hx-on, no Alpine). Stylesheets only from files; a `style` attribute may set a
# bar's width or a row's indent (and the vendored widgets set theirs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_one_line": {"()": "guanxi.core.logging.ClientErrorsOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GUANXI_LOG_LEVEL", "WARNING")},
    "loggers": {"django.request": {"filters": ["client_errors_one_line"]}},
}

# Covering indexes (Index(include=…)) are a PostgreSQL optimisation; SQLite builds the same
# index without the extra columns, which is what we want, so its warning is not news.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
