"""The `guanxi` console script: Django's manage.py for the installed package.

guanxi migrate                 # any Django management command
guanxi serve --port 8000       # web + task worker + scheduler (see core/.../serve.py)
guanxi worker                  # the task worker (db_worker, recovering dead workers' tasks)
guanxi seed --customers 300    # demo data
guanxi createadmin
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    args = list(sys.argv[1:] if argv is None else argv)

    # Imported once DJANGO_SETTINGS_MODULE is set: Django reads it on import.
    from django.core.management import execute_from_command_line

    execute_from_command_line(["guanxi", *args])


if __name__ == "__main__":
    main()
