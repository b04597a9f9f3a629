"""The `cshub` console command: Django's management commands for this project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cshub.settings")
    if sys.argv[1:2] == ["demo"] and not os.environ.get("DATABASE_URL"):
        # The demo on the embedded database runs in demo mode by itself. On any other
        # database, demo mode must be asked for (CSHUB_DEMO=1), and the demo still refuses
        # a database that holds real accounts.
        os.environ.setdefault("CSHUB_DEMO", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
