"""Settings for WorkMail Console. Every value comes from an environment variable (see README)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from workmail_console.env import env_bool, env_float, env_int, env_list, env_str
from workmail_console.var import secret_key_file, var_dir

# These settings only read: the environment, and the var/ folder `python -m workmail_console.var`
# makes (make run, make test and make check run it first).
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = var_dir()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else the one kept in var/secret_key."""
    if key := env_str("SECRET_KEY", ""):
        return key
    try:
        return secret_key_file(VAR_DIR).read_text().strip()
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"No SECRET_KEY: set it in the environment, or run `python -m workmail_console.var`"
            f" (make run does) to make {secret_key_file(VAR_DIR)}."
        ) from None


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "workmail_console",
    "directories",
    "keys",
    "route53",
    "organizations",
    "ops",
    "domains",
    "users",
    "mailflow",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "workmail_console.tenancy.TenancyMiddleware",
    "workmail_console.middleware.PrivatePages",  # signed-in pages are never cached
    "workmail_console.middleware.SignInAttemptLock",  # the sign-in limit holds under races
    "axes.middleware.AxesMiddleware",  # last, as axes requires
]

# Content Security Policy (Django's own): scripts and styles from this site only, no inline code
# and no eval (htmx is told so in base.html); a script tag may carry the page's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

ROOT_URLCONF = "workmail_console.urls"
WSGI_APPLICATION = "workmail_console.wsgi.application"

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
                "django.template.context_processors.csp",
                "workmail_console.tenancy.console_context",
            ],
        },
    },
]

# Database: SQLite under var/ by default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'workmail.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Parameters bound on the server, and a statement sent five times prepared there: parsing and
    # planning the lifecycle's statements was a third of PostgreSQL's work per organization. Off
    # behind a pooler in transaction mode (PgBouncer before 1.21), which can't keep them.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write at once: WAL lets readers run beside the writer, IMMEDIATE takes
    # the write lock at BEGIN (no lock upgrades that deadlock), and the timeout waits out the rest.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory, so that a worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The flash bar's "in progress" kind (workmail_console/flash.py: 22, between INFO and SUCCESS).
MESSAGE_TAGS = {22: "in-progress"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders when collectstatic has not run (make run, tests).
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Celery: the app is workmail_console (celery -A workmail_console worker).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"  # its folders: workmail_console.var
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
    # Same URL, our transport: kombu's lets a consumer take a half-written file (kombu#1551).
    CELERY_BROKER_TRANSPORT = "workmail_console.broker:Transport"
else:
    # Longer than any countdown, so Redis does not hand a scheduled task out twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("WORKMAIL_QUEUE", "workmail")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_WORKER_PREFETCH_MULTIPLIER", 4, minimum=1)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Off by default: with Celery/kombu 5.7 on Redis, a broker restart noticed first on the remote
# control channel kills the worker ("'NoneType' object has no attribute 'hostname'" while
# restoring unacked messages). tests/integration/test_faults.py restarts Redis to prove it.
# Turning it on brings back `celery inspect` and `celery control`.
CELERY_WORKER_ENABLE_REMOTE_CONTROL = env_bool("CELERY_WORKER_ENABLE_REMOTE_CONTROL", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Keep the worker's database connection between tasks (Django's CONN_MAX_AGE still applies).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
# On PostgreSQL a worker's commits don't wait for the WAL flush (synchronous_commit=off): every task
# may run twice and the sweeps re-send what sits, so a step a database crash loses is done again.
# The console's own writes (Create organization, ...) still wait. "on" makes the worker wait too.
WORKMAIL_WORKER_SYNCHRONOUS_COMMIT = env_bool("WORKMAIL_WORKER_SYNCHRONOUS_COMMIT", False)

# The organization lifecycle (DESIGN §4).
WORKMAIL_STAGE_DELAY = env_float("WORKMAIL_STAGE_DELAY", 3.0)
WORKMAIL_STUCK_AFTER = env_float("WORKMAIL_STUCK_AFTER", max(60.0, 4 * WORKMAIL_STAGE_DELAY))
WORKMAIL_SWEEP_INTERVAL = env_float("WORKMAIL_SWEEP_INTERVAL", 15.0, minimum=0.5)
WORKMAIL_ORGANIZATIONS_PER_REGION = env_int("WORKMAIL_ORGANIZATIONS_PER_REGION", 100, minimum=1)
# The health sweep (organizations/health.py): every INTERVAL seconds, BATCH organizations per task.
WORKMAIL_HEALTH_INTERVAL = env_float("WORKMAIL_HEALTH_INTERVAL", 30.0, minimum=0.5)
WORKMAIL_HEALTH_BATCH = env_int("WORKMAIL_HEALTH_BATCH", 500, minimum=1)
# How often beat deletes the KMS keys whose waiting period is over (keys/tasks.py).
WORKMAIL_KEY_DELETION_INTERVAL = env_float("WORKMAIL_KEY_DELETION_INTERVAL", 60.0, minimum=1)

# Heartbeats (ops/heartbeats.py): each worker and beat records itself every INTERVAL seconds; one
# not heard from for TIMEOUT seconds is gone from the dashboard and from workmail_workers.
WORKMAIL_HEARTBEAT_INTERVAL = env_float("WORKMAIL_HEARTBEAT_INTERVAL", 5.0, minimum=0.5)
WORKMAIL_HEARTBEAT_TIMEOUT = env_float(
    "WORKMAIL_HEARTBEAT_TIMEOUT", max(20.0, 3 * WORKMAIL_HEARTBEAT_INTERVAL)
)
# A worker that takes no message for this many seconds while messages wait and it has room for
# them has a deaf consumer, which is made to connect again (ops/consumer_watch.py); 0: never.
WORKMAIL_CONSUMER_STALL_TIMEOUT = env_float("WORKMAIL_CONSUMER_STALL_TIMEOUT", 60.0)
# Beat ticks at least this often, so its own heartbeat keeps time.
CELERY_BEAT_MAX_LOOP_INTERVAL = WORKMAIL_HEARTBEAT_INTERVAL
CELERY_BEAT_SCHEDULER = "ops.heartbeats:HeartbeatScheduler"
# /metrics (ops/metrics.py) answers staff signed in, or `Authorization: Bearer <this token>`.
WORKMAIL_METRICS_TOKEN = env_str("WORKMAIL_METRICS_TOKEN", "")

# The Inactive rule: an Active organization with no enabled user for this many days goes
# Inactive and releases its alias; the beat task looks every WORKMAIL_INACTIVE_INTERVAL seconds.
# At most a century: the sweep subtracts it from today.
WORKMAIL_INACTIVE_AFTER = timedelta(
    days=env_float("WORKMAIL_INACTIVE_AFTER", 30.0, minimum=0, maximum=36500)
)
WORKMAIL_INACTIVE_INTERVAL = env_float("WORKMAIL_INACTIVE_INTERVAL", 300.0, minimum=0.5)

# Domain verification (domains/verification.py, domains/dns_checks.py): the resolvers asked
# (comma-separated `host` or `host:port`; empty: the system's), how long one answer may take,
# how many domains are checked at once, how long ownership and DKIM stay Pending before Failed,
# how often beat looks for due domains, and when a domain is checked again (seconds, spread by
# up to a fifth more at random). WORKMAIL_DNS_PORT: the loopback port the project's DNS server
# (route53/dnsserver.py, `manage.py dnsserver`) answers on under `make run`.
WORKMAIL_DNS_NAMESERVERS = env_str("WORKMAIL_DNS_NAMESERVERS", "")
WORKMAIL_DNS_PORT = env_int("WORKMAIL_DNS_PORT", 8053, minimum=0)
# Where the project's DNS server answers (`host:port`): names the emulated Route 53 holds (the
# registry's, route53/registry.py) are verified by asking it, everything else the system's
# resolvers. WORKMAIL_DNS_NAMESERVERS, when set, is asked for every name instead; empty: never.
WORKMAIL_DNS_SERVER = env_str("WORKMAIL_DNS_SERVER", f"127.0.0.1:{WORKMAIL_DNS_PORT}")
WORKMAIL_DNS_TIMEOUT = env_float("WORKMAIL_DNS_TIMEOUT", 2.0, minimum=0.05, maximum=60)
WORKMAIL_DNS_CONCURRENCY = env_int("WORKMAIL_DNS_CONCURRENCY", 200, minimum=1)
WORKMAIL_DNS_VERIFY_WINDOW_HOURS = env_float(
    "WORKMAIL_DNS_VERIFY_WINDOW_HOURS", 72.0, minimum=0, maximum=24 * 365
)
WORKMAIL_DNS_CHECK_INTERVAL = env_float("WORKMAIL_DNS_CHECK_INTERVAL", 30.0, minimum=0.5)
WORKMAIL_DNS_CHECK_BATCH = env_int("WORKMAIL_DNS_CHECK_BATCH", 2000, minimum=1)
WORKMAIL_DNS_RECHECK_PENDING = env_float("WORKMAIL_DNS_RECHECK_PENDING", 300.0, minimum=1)
WORKMAIL_DNS_RECHECK_VERIFIED = env_float("WORKMAIL_DNS_RECHECK_VERIFIED", 86400.0, minimum=1)
WORKMAIL_DNS_RECHECK_UNANSWERED = env_float("WORKMAIL_DNS_RECHECK_UNANSWERED", 60.0, minimum=1)
# The DNS server's limits: TCP clients served at once (more are closed as they connect), seconds a
# TCP client may stay silent before it is closed, and UDP responses per second to one client
# network (IPv4 /24, IPv6 /56; 0: no limit).
WORKMAIL_DNS_TCP_CLIENTS = env_int("WORKMAIL_DNS_TCP_CLIENTS", 64, minimum=1)
WORKMAIL_DNS_TCP_IDLE_TIMEOUT = env_float(
    "WORKMAIL_DNS_TCP_IDLE_TIMEOUT", 10.0, minimum=0.1, maximum=3600
)
WORKMAIL_DNS_RATE_LIMIT = env_float("WORKMAIL_DNS_RATE_LIMIT", 1000.0, minimum=0)

CELERY_BEAT_SCHEDULE = {
    "sweep-health": {
        "task": "organizations.tasks.sweep_health",
        "schedule": WORKMAIL_HEALTH_INTERVAL,
        "options": {"expires": WORKMAIL_HEALTH_INTERVAL},
    },
    # Every resource left in a working state too long, whatever its lifecycle, is sent again.
    "sweep-stuck": {
        "task": "workmail_console.tasks.sweep_stuck",
        "schedule": WORKMAIL_SWEEP_INTERVAL,
        "options": {"expires": WORKMAIL_SWEEP_INTERVAL},
    },
    "sweep-inactive-organizations": {
        "task": "users.tasks.sweep_inactive_organizations",
        "schedule": WORKMAIL_INACTIVE_INTERVAL,
        "options": {"expires": WORKMAIL_INACTIVE_INTERVAL},
    },
    "delete-due-keys": {
        "task": "keys.tasks.delete_due_keys",
        "schedule": WORKMAIL_KEY_DELETION_INTERVAL,
        "options": {"expires": WORKMAIL_KEY_DELETION_INTERVAL},
    },
    "verify-due-domains": {
        "task": "domains.tasks.verify_due_domains",
        "schedule": WORKMAIL_DNS_CHECK_INTERVAL,
        "options": {"expires": WORKMAIL_DNS_CHECK_INTERVAL},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Security (issue 5 §4): sign-in throttling, HTTPS, owner-only files --------------------------
# Sign-in throttling with django-axes, on /signin/ and the admin site's login alike: a failure
# counts against the user name and, separately, against the client's address; either reaching the
# limit refuses every password (the right one too) until the cool-off has passed.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("WORKMAIL_SIGNIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_float("WORKMAIL_SIGNIN_COOLOFF_MINUTES", 15.0, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "workmail_console.signin.attempted_username"
AXES_CLIENT_IP_CALLABLE = "workmail_console.signin.client_address"
AXES_LOCKOUT_CALLABLE = "workmail_console.signin.locked_out"
# How many reverse proxies in front of the console append to X-Forwarded-For. 0: the address is
# REMOTE_ADDR, and the header (which anyone can send) is ignored.
WORKMAIL_TRUSTED_PROXY_COUNT = env_int("WORKMAIL_TRUSTED_PROXY_COUNT", 0)


# HTTPS. SECURE_COOKIES=true (above) means the console is served over HTTPS only: plain HTTP is
# redirected, and HSTS tells browsers never to try HTTP again (a year, subdomains, preload-ready).
SESSION_COOKIE_SAMESITE = "Lax"  # sent when following a link in, never with a cross-site POST
if SESSION_COOKIE_SECURE:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a proxy that terminates TLS: the header it sets to "https" on HTTPS requests, e.g.
# X-Forwarded-Proto. Opt-in, because without such a proxy any client could send the header.
if _ssl_header := env_str("SECURE_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _ssl_header.upper().replace("-", "_"), "https")
# Owner-only files (workmail_console/files.py): workmail_console.var makes var/ and what it holds
# owner-only, and tightens them again at every `make run`, so a var/ left with looser modes by an
# older version is fixed too. A new SQLite file is tightened when first opened.
