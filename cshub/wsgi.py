import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cshub.settings")
application = get_wsgi_application()


def _sweep_uploads() -> None:
    """Uploads left by a crash or a closed browser go when the web server starts (every WSGI
    server, and `cshub runserver`, load this module), not in AppConfig.ready(): that runs
    for every command (migrate, collectstatic, the tests), and only the web server writes
    uploads. A sweep needs no database; a failed one (a full disk) must not stop the server."""
    from cshub.interchange import uploads

    try:
        uploads.sweep()
    except OSError as exc:
        logging.getLogger("cshub.interchange.uploads").warning("Uploads not swept: %s", exc.strerror)


_sweep_uploads()
