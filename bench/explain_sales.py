"""EXPLAIN (ANALYZE, BUFFERS) of the sales queries timed by bench/sales_bench.py (PostgreSQL).

PYTHONPATH=src python bench/explain_sales.py                 # admin's ageing, sales1a's lists
PYTHONPATH=src python bench/explain_sales.py --user manager --consultant sales1b
"""

import argparse
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from guanxi.accounts.models import User  # noqa: E402
from guanxi.sales.contracts import selectors as contracts  # noqa: E402
from guanxi.sales.models import Instalment  # noqa: E402
from guanxi.sales.receivables import selectors as receivables  # noqa: E402


def explain(label, queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print(f"---- {label}\n{sql % tuple(repr(p) for p in params)}\n")
        print("\n".join(row[0] for row in cursor.fetchall()))
        print()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", default="admin", help="whose ageing report")
    parser.add_argument("--consultant", default="sales1a", help="whose contracts / overdue")
    args = parser.parse_args()
    user = User.objects.get(username=args.user)
    consultant = User.objects.get(username=args.consultant)
    today = timezone.localdate()

    opened = receivables.open_instalments(user=user, filters=None, today=today)
    explain(
        f"ageing cells ({args.user}): one scan, grouped by owner, department, bucket",
        opened.annotate(age=receivables._bucket_case(today))
        .values("owner_id", "department_id", "age")
        .annotate(amount=Sum(receivables._OPEN), n=Count("*"))
        .order_by(),
    )
    explain(
        f"open instalments, first page ({args.user})",
        opened.select_related("contract", "customer", "owner", "department").order_by(
            "due_on", "id"
        )[: receivables.PAGE_SIZE + 1],
    )
    overdue = Instalment.objects.filter(
        owner_id=consultant.pk, active=True, settled=False, due_on__lt=today
    )
    explain(
        f"work list: {args.consultant}'s five oldest overdue",
        overdue.select_related("contract", "customer").order_by("due_on", "id")[:5],
    )
    explain(
        f"work list: {args.consultant}'s overdue, capped count",
        overdue.order_by().values("due_on")[: receivables.OVERDUE_COUNT_CAP + 1],
    )
    listed = contracts._filtered(consultant, contracts.ContractFilters())
    explain(
        f"contract list, first page ({args.consultant})",
        listed.select_related("customer", "owner", "department").order_by("-id")[
            : contracts.PAGE_SIZE + 1
        ],
    )
    explain(
        f"contract list, capped count ({args.consultant})",
        listed.order_by().values("pk")[:1001],
    )


if __name__ == "__main__":
    main()
