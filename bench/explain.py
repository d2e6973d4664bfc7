"""EXPLAIN ANALYZE of the customer list queries for one search/filter (PostgreSQL).

PYTHONPATH=src python bench/explain.py --q 王秀
PYTHONPATH=src python bench/explain.py --department 3 --tag 1
"""

import argparse
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from guanxi.accounts.models import User  # noqa: E402
from guanxi.core.pagination import COUNT_CAP  # noqa: E402
from guanxi.customers.archive import selectors  # noqa: E402


def explain(label, queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print(f"---- {label}\n{sql % tuple(repr(p) for p in params)}\n")
        print("\n".join(row[0] for row in cursor.fetchall()))
        print()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", default="manager")
    parser.add_argument("--q", default="")
    parser.add_argument("--department", type=int)
    parser.add_argument("--tag", type=int)
    args = parser.parse_args()
    user = User.objects.get(username=args.user)
    filters = selectors.CustomerFilters(q=args.q, department=args.department, tag=args.tag)
    queryset = selectors._filtered(user, filters)
    explain("page", queryset.order_by("-id")[:26])
    explain("capped count", queryset.order_by().values("pk")[: COUNT_CAP + 1])


if __name__ == "__main__":
    main()
