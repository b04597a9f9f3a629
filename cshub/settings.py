"""CSHub settings, configured from the environment (see README.md "Configuration")."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CSHUB_VAR_DIR", BASE_DIR / "var"))


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("DEBUG")
# Demo mode: synthetic data, demo accounts may sign in without a second factor,
# plain-HTTP cookies on 127.0.0.1. Never set it on a server that holds real data.
DEMO = _flag("CSHUB_DEMO")
PRODUCTION = not (DEBUG or DEMO)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (it is only optional with CSHUB_DEMO=1 or DEBUG=1)."
        )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if not PRODUCTION:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "cshub.core",
    "cshub.access",
    "cshub.sso",
    "cshub.audit",
    "cshub.people",
    "cshub.socialcare",
    "cshub.referrals",
    "cshub.casework",
    "cshub.missing",
    "cshub.tasks",
    "cshub.assessments",
    "cshub.supervision",
    "cshub.plans",
    "cshub.contact",
    "cshub.notes",
    "cshub.consultations",
    "cshub.register",
    "cshub.caseaudits",
    "cshub.standards",
    "cshub.workforce",
    "cshub.language",
    "cshub.meetings",
    "cshub.intelligence",
    "cshub.disruption",
    "cshub.documents",
    "cshub.philomena",
    "cshub.retention",
    "cshub.subjectaccess",
    "cshub.notifications",
    "cshub.assurance",
    "cshub.reports",
    "cshub.returns",
    "cshub.region",
    "cshub.linkage",
    "cshub.crossborder",
    "cshub.regional",
    "cshub.interchange",
    "cshub.api",
    "cshub.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cshub.audit.middleware.RequestIdMiddleware",
    "cshub.core.middleware.ApiBodyLimitMiddleware",
    "cshub.core.middleware.ServiceUnavailableMiddleware",
    "cshub.core.middleware.SessionMiddleware",  # Django's: an unsaved session breaks no page
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cshub.access.middleware.SessionLimitsMiddleware",
    "cshub.access.middleware.SecondFactorRequiredMiddleware",
    "cshub.access.middleware.NoStoreMiddleware",
    "cshub.people.middleware.RestrictedRecordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cshub.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "cshub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cshub" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cshub.access.context_processors.navigation",
            ],
            "builtins": ["cshub.core.templatetags.govuk"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cshub.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        # A kept connection is checked before a request reuses it: after PostgreSQL restarts,
        # the next request reconnects instead of failing on the dead connection.
        conn_health_checks=True,
    )
}
# WAL lets readers carry on while one writer writes; IMMEDIATE avoids "database is locked"
# upgrades half-way through a write transaction. A write waits this long (seconds) for the
# write lock (a long import holds it), then answers 503 with Retry-After (core.faults).
CSHUB_SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": float(os.environ.get("CSHUB_SQLITE_TIMEOUT", "20")),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(CSHUB_SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "cshub.access.passwords.MaximumLengthValidator"},
]
LOGIN_URL = "access:sign_in"
LOGIN_REDIRECT_URL = "home"

# Sessions: idle time-out and absolute lifetime (minutes), see access/middleware.py.
CSHUB_IDLE_TIMEOUT_MINUTES = int(os.environ.get("CSHUB_IDLE_TIMEOUT_MINUTES", "15"))
CSHUB_SESSION_MAX_HOURS = int(os.environ.get("CSHUB_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = CSHUB_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Flash messages can name a child: keep them server-side, never in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Emails for what cannot wait (cshub/notifications): Django's SMTP backend when
# EMAIL_HOST is set; otherwise printed (demo, debug) or not sent. See the README.
CSHUB_SITE_URL = os.environ.get("CSHUB_SITE_URL", "http://127.0.0.1:8000")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = _flag("EMAIL_USE_SSL")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", default=not EMAIL_USE_SSL)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CSHub <cshub@localhost>")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.dummy.EmailBackend",
)
# Break glass: how long access to a restricted record lasts after a typed reason.
CSHUB_BREAK_GLASS_MINUTES = int(os.environ.get("CSHUB_BREAK_GLASS_MINUTES", "60"))
# A case summary older than this many days is flagged for review on the child's page.
CSHUB_SUMMARY_MAX_AGE_DAYS = int(os.environ.get("CSHUB_SUMMARY_MAX_AGE_DAYS", "28"))
# A case note's author may edit it for this many minutes after recording it; after that it
# is amended (a new version with a reason, the earlier ones kept and shown).
CSHUB_NOTE_EDIT_MINUTES = int(os.environ.get("CSHUB_NOTE_EDIT_MINUTES", "60"))
# The missing-from-care profile is reviewed this often, and after each missing episode.
CSHUB_PHILOMENA_REVIEW_DAYS = int(os.environ.get("CSHUB_PHILOMENA_REVIEW_DAYS", "90"))
CSHUB_PAGE_SIZE = 25
# This hub, as the region knows it (the quarterly regional return's `hub` column, the annual
# report's title): a short stable id (letters, digits, hyphens) and the name people read.
CSHUB_HUB_ID = os.environ.get("CSHUB_HUB_ID", "demo-hub")
CSHUB_HUB_NAME = os.environ.get("CSHUB_HUB_NAME", "Demo Complex Safeguarding Hub")
# A region of CSHub instances (docs/region.md): "hub" (the default: a hub's case system) or
# "region" (the regional CSHub: no case records; it matches linkage keys, relays alerts and
# combines the quarterly returns).
CSHUB_INSTANCE = os.environ.get("CSHUB_INSTANCE", "hub")
if CSHUB_INSTANCE not in ("hub", "region"):
    raise ImproperlyConfigured('CSHUB_INSTANCE must be "hub" or "region"')
# This instance's Ed25519 private key (PEM), made by `cshub region keys` (rotated with
# `cshub region rotate-keys`); the public key is given to every peer.
CSHUB_REGION_KEY_FILE = Path(os.environ.get("CSHUB_REGION_KEY_FILE", VAR_DIR / "region" / "ed25519.pem"))
# The region's linkage secret: every hub of the region encodes with the same one, the region
# never has it (so it cannot encode a name and look it up). Demo and tests use a fixed one.
CSHUB_LINKAGE_SECRET = os.environ.get("CSHUB_LINKAGE_SECRET", "demo-region-linkage-secret" if DEMO else "")
# Practice standards (days): the defaults before a team manager sets each on the practice
# standards page (cshub.standards: versioned, the standard in force on the day). The first exploitation risk assessment is due within
# ASSESSMENT_FIRST days of the episode opening; each is reviewed within ASSESSMENT_REVIEW
# days, and within ASSESSMENT_AFTER_EVENT days of a significant event (a high-risk missing
# episode). Plans are reviewed on a cadence set by the last assessed risk level.
CSHUB_STANDARDS = {
    "ASSESSMENT_FIRST": int(os.environ.get("CSHUB_ASSESSMENT_FIRST_DAYS", "28")),
    "ASSESSMENT_REVIEW": int(os.environ.get("CSHUB_ASSESSMENT_REVIEW_DAYS", "91")),
    "ASSESSMENT_AFTER_EVENT": int(os.environ.get("CSHUB_ASSESSMENT_AFTER_EVENT_DAYS", "7")),
    "PLAN_REVIEW_HIGH": int(os.environ.get("CSHUB_PLAN_REVIEW_HIGH_DAYS", "14")),
    "PLAN_REVIEW_MEDIUM": int(os.environ.get("CSHUB_PLAN_REVIEW_MEDIUM_DAYS", "28")),
    "PLAN_REVIEW_LOW": int(os.environ.get("CSHUB_PLAN_REVIEW_LOW_DAYS", "42")),
    "VISIT": int(os.environ.get("CSHUB_VISIT_DAYS", "10")),
    "SUPERVISION": int(os.environ.get("CSHUB_SUPERVISION_DAYS", "28")),
    "VOICE": int(os.environ.get("CSHUB_VOICE_DAYS", "42")),
    "TEAM_SIZE": int(os.environ.get("CSHUB_TEAM_SIZE_WARNING", "6")),
}
# The return-interview queue holds returns of the last N days (older ones are history:
# the figures count them as not interviewed).
CSHUB_RHI_QUEUE_DAYS = int(os.environ.get("CSHUB_RHI_QUEUE_DAYS", "30"))
# The council's involvement roles that mean "allocated worker" (ssd_involvements
# invo_professional_role_id; each case system has its own): who holds the case.
CSHUB_ALLOCATED_WORKER_ROLES = os.environ.get(
    "CSHUB_ALLOCATED_WORKER_ROLES", "CW,Allocated Case Worker,REL.ALLWORK,REL.ALLWORKCF"
).split(",")
# Bulk import uploads: where they wait for confirmation (deleted after), and the largest accepted.
CSHUB_UPLOAD_DIR = VAR_DIR / "uploads"
CSHUB_UPLOAD_MAX_MB = int(os.environ.get("CSHUB_UPLOAD_MAX_MB", "50"))
# Documents attached to records: outside the web root, each under a random name.
CSHUB_DOCUMENTS_DIR = Path(os.environ.get("CSHUB_DOCUMENTS_DIR", VAR_DIR / "documents"))
# The largest document accepted (MB), and clamd's socket: every document is scanned there
# (INSTREAM) before anyone can open it (docs/documents.md).
CSHUB_DOCUMENT_MAX_MB = int(os.environ.get("CSHUB_DOCUMENT_MAX_MB", "20"))
CSHUB_CLAMD_SOCKET = os.environ.get("CSHUB_CLAMD_SOCKET", "/var/run/clamav/clamd.ctl")
# Form fields of one page post together (uploaded files are not counted: the Imports page
# takes up to CSHUB_UPLOAD_MAX_MB of them). API bodies: core.middleware.ApiBodyLimitMiddleware.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20  # 2 MiB: several 20,000-character fields, percent-encoded

# Lock-out after repeated failed sign-ins (django-axes), by username.
AXES_FAILURE_LIMIT = int(os.environ.get("CSHUB_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("CSHUB_LOCKOUT_MINUTES", "30")) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cshub.access.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("CSHUB_PROXY_COUNT", "0")) or None

OTP_TOTP_ISSUER = "CSHub"

# Single sign-on over OpenID Connect (cshub/sso, docs/sign-in.md): off unless CSHUB_OIDC=1.
# mozilla-django-oidc reads the OIDC_* names; the OP's endpoints come from the issuer's
# discovery document unless each is set. Accounts are matched by one claim; roles stay CSHub's.
CSHUB_OIDC = _flag("CSHUB_OIDC")
CSHUB_OIDC_PROVIDER_NAME = os.environ.get("CSHUB_OIDC_PROVIDER_NAME", "your council account")
CSHUB_OIDC_ISSUER = os.environ.get("CSHUB_OIDC_ISSUER", "").rstrip("/")
# Where the discovery document is, when not at the issuer's /.well-known/openid-configuration
# (Entra ID's v1.0 tokens: issuer sts.windows.net, document at login.microsoftonline.com).
CSHUB_OIDC_DISCOVERY_URL = os.environ.get("CSHUB_OIDC_DISCOVERY_URL", "")
# Off: the claims come from the ID token alone (no call to the userinfo endpoint).
CSHUB_OIDC_USERINFO = _flag("CSHUB_OIDC_USERINFO", default=True)
CSHUB_OIDC_MATCH_CLAIM = os.environ.get("CSHUB_OIDC_MATCH_CLAIM", "email")
CSHUB_OIDC_CREATE_USERS = _flag("CSHUB_OIDC_CREATE_USERS")  # with no role, in this agency:
CSHUB_OIDC_NEW_USER_AGENCY = os.environ.get("CSHUB_OIDC_NEW_USER_AGENCY", "SOCIAL_CARE")
# `amr` values (RFC 8176; Entra ID's ngcmfa) that mean the provider asked for more than a
# password: any one of them and CSHub does not ask for its own TOTP code.
CSHUB_OIDC_MFA_AMR = [
    v.strip() for v in os.environ.get("CSHUB_OIDC_MFA_AMR", "mfa,ngcmfa,otp,hwk,sc").split(",") if v.strip()
]
# "sysadmins": only system administrators may sign in with a password (needs CSHUB_OIDC).
CSHUB_PASSWORD_SIGN_IN = os.environ.get("CSHUB_PASSWORD_SIGN_IN", "all")
OIDC_RP_CLIENT_ID = os.environ.get("CSHUB_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("CSHUB_OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("CSHUB_OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = os.environ.get("CSHUB_OIDC_SIGN_ALGO", "RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("CSHUB_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("CSHUB_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("CSHUB_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("CSHUB_OIDC_JWKS_ENDPOINT", "")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/assets/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Security headers. Content Security Policy: no inline script, no third-party origin.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # "__Host-": the browser keeps these cookies only if set over HTTPS, for this host alone
    # (no Domain) and the whole site (Path=/), so no sibling subdomain can set or read them.
    from cshub.access import cookies

    SESSION_COOKIE_NAME = cookies.SESSION
    CSRF_COOKIE_NAME = cookies.CSRF
    if _flag("CSHUB_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cshub.api.authentication.BearerTokenAuthentication",
        "cshub.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "cshub.api.schema.ScopedAutoSchema",  # names each operation's token scope
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON nested deeper than any record is a 400, not a RecursionError (cshub/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "cshub.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CSHub API",
    "DESCRIPTION": "Children, referrals and hub episodes. Same access rules and audit as the pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ExploitationTypeEnum": "cshub.core.codes.ExploitationType",
        "OutcomeEnum": "cshub.core.codes.Outcome",
        "AgencyEnum": "cshub.core.codes.Agency",
    },
}

# Logs carry no personal data: request paths hold ids only, never names or queries.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# axes.W006 asks for lock-out by IP address too. Council offices reach CSHub through one
# NAT address, so an IP lock-out would lock out a whole office: we lock by username.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
