"""The `cshub` console command: Django's management commands for this project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cshub.settings")
    if sys.argv[1:2] == ["demo"]:
        # The demo is synthetic data on 127.0.0.1: it runs in demo mode by itself.
        os.environ.setdefault("CSHUB_DEMO", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
