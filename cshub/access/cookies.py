"""The names of CSHub's cookies in production (settings.PRODUCTION): "__Host-" cookies, which
a browser keeps only if they are Secure, for this host alone (no Domain) and the whole site
(Path=/) (ASVS 3.4.4). The demo and the tests over plain HTTP keep Django's names.

Code that talks to a server run with the production settings over loopback (the benches,
the served tests) sends these names."""

SESSION = "__Host-cshub-session"
CSRF = "__Host-cshub-csrf"
