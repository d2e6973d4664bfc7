"""Satisfaction report over many answers (issue 15 "Performance": ≤ 1 s over 500,000 answers by
factor, consultant and month) and the survey page a customer opens (p95 ≤ 30 ms).

Fills the database at GUANXI_DATA_DIR / DATABASE_URL with answer items in bulk (only when there
are fewer than --answers: responses of the shipped new-car survey spread over 12 months and the
active users, 15 items each, a fifth of them external), then times the report selector — the one
grouped query by month × factor × consultant × department × source and the rollups — as the
administrator (scope all), the sales manager (department tree) and a consultant (own), and the
survey page through Django's test client (whole middleware stack, no session):

    GUANXI_DATA_DIR=/tmp/gx-sat-bench guanxi migrate && guanxi seed --customers 300
    GUANXI_DATA_DIR=/tmp/gx-sat-bench python bench/satisfaction_report.py --answers 500000 -n 10
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from guanxi.accounts.models import User  # noqa: E402
from guanxi.core.dates import add_months  # noqa: E402
from guanxi.customers.models import Customer  # noqa: E402
from guanxi.satisfaction.models import (  # noqa: E402
    AnswerItem,
    Question,
    SurveyResponse,
    SurveyTemplate,
)
from guanxi.satisfaction.scores import selectors  # noqa: E402
from guanxi.satisfaction.scores.selectors import ReportFilters  # noqa: E402
from guanxi.satisfaction.surveys.services import (  # noqa: E402
    SHANGHAI,
    current_version,
    survey_link_create,
)


def fill(total_items: int, *, seed: int = 11, chunk: int = 2000) -> None:
    have = AnswerItem.objects.count()
    if have >= total_items:
        print(f"{have:,} answer items already")
        return
    rng = random.Random(seed)
    template = SurveyTemplate.objects.get(code="new_car")
    version = current_version(template)
    questions = list(Question.objects.filter(factor__version=version).select_related("factor"))
    users = list(User.objects.filter(is_active=True).exclude(username="admin"))
    customers = list(Customer.objects.values_list("id", flat=True)[:50_000])
    this_month = timezone.localdate().replace(day=1)
    responses_needed = (total_items - have) // len(questions)
    started = time.perf_counter()
    made = 0
    while made < responses_needed:
        n = min(chunk, responses_needed - made)
        batch = []
        for _i in range(n):
            user = rng.choice(users)
            month = add_months(this_month, -rng.randint(0, 11))
            external = rng.random() < 0.2
            batch.append(
                SurveyResponse(
                    version=version,
                    customer_id=None if external else rng.choice(customers),
                    consultant=user,
                    department_id=user.department_id,
                    source="external" if external else "internal",
                    kind="third_party" if external else "link",
                    answered_at=dt.datetime.combine(
                        month + dt.timedelta(days=rng.randint(0, 27)), dt.time(12), SHANGHAI
                    ),
                    month=month,
                    overall=rng.randint(3, 10),
                    nps=rng.randint(0, 10),
                )
            )
        with transaction.atomic():
            SurveyResponse.objects.bulk_create(batch)
            items = []
            for r in batch:
                for q in questions:
                    e = rng.randint(6, 10)
                    p = max(1, min(10, e + rng.randint(-4, 2)))
                    items.append(
                        AnswerItem(
                            response_id=r.pk,
                            factor_id=q.factor_id,
                            factor_code=q.factor.code,
                            question_id=q.pk,
                            expectation=e,
                            performance=p,
                            gap=p - e,
                            consultant_id=r.consultant_id,
                            department_id=r.department_id,
                            month=r.month,
                            source=r.source,
                        )
                    )
            AnswerItem.objects.bulk_create(items, batch_size=5000)
        made += n
        print(f"  {made * len(questions):,} items, {time.perf_counter() - started:.0f} s", end="\r")
    print()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE satisfaction_answeritem; ANALYZE satisfaction_surveyresponse")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed(fn, n: int) -> tuple[float, float]:
    times = []
    for _i in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    return statistics.median(times), p95


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=500_000, help="answer items to reach")
    parser.add_argument("-n", type=int, default=10, help="timed runs of each report")
    parser.add_argument("--page-runs", type=int, default=200, help="timed survey page loads")
    args = parser.parse_args()
    fill(args.answers)
    print(f"{connection.vendor}: {AnswerItem.objects.count():,} answer items")
    filters = ReportFilters.last_months(12)
    for username in ("admin", "manager", "sales1a"):
        user = User.objects.get(username=username)
        selectors.report(user=user, filters=filters)  # warm
        median, p95 = timed(lambda u=user: selectors.report(user=u, filters=filters), args.n)
        print(f"report, 12 months, as {username:8}: median {median:7.1f} ms, p95 {p95:7.1f} ms")
    relations = User.objects.get(username="relations")
    customer = Customer.objects.filter(owner__isnull=False).first()
    link = survey_link_create(
        actor=relations,
        customer_id=customer.pk,
        template_id=SurveyTemplate.objects.get(code="new_car").pk,
    )
    client = Client(SERVER_NAME="127.0.0.1")
    url = f"/satisfaction/s/{link.token}/"
    assert client.get(url).status_code == 200
    median, p95 = timed(lambda: client.get(url), args.page_runs)
    print(f"survey page (customer, no login):   median {median:7.1f} ms, p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
