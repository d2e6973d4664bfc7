"""The `guanxi` console script: Django's manage.py for the installed package.

guanxi migrate                 # any Django management command
guanxi serve --port 8000       # web + task worker + scheduler (see core/.../serve.py)
guanxi worker                  # alias of `db_worker` (django-tasks-db queue worker)
guanxi seed --customers 300    # demo data
guanxi createadmin
"""

import os
import sys

ALIASES = {"worker": "db_worker"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]

    from django.core.management import execute_from_command_line

    execute_from_command_line(["guanxi", *args])


if __name__ == "__main__":
    main()
