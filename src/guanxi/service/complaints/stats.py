"""Complaint statistics (CMP-4), over the complaints in the user's scope received in a period:
volume by category, sub-item, product, channel and consultant (the customer's owner); median
and p90 business minutes to route, respond and resolve; targets met; repeat complainers; and
the repurchase rate of complainers by outcome beside the seed's figures (000 §5.4.7)."""

import datetime as dt
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core.errors import invalid_field
from guanxi.core.i18n import bilingual
from guanxi.core.local_days import local_day_bounds
from guanxi.sales.models import Contract
from guanxi.service.models import Complaint

DEFAULT_DAYS = 90
MAX_DAYS = 731
TOP = 10
# minutes read for the medians: a bounded sample of the newest rows in the period
SAMPLE = 50_000

# seed 000 §5.4.7: of customers who …, this share comes back (再次回来)
SEED_RATES = {
    "silent": (9, gettext_lazy("did not complain (不去抱怨)")),
    "unresolved": (19, gettext_lazy("complaint not resolved (抱怨没有解决)")),
    "resolved": (54, gettext_lazy("complaint resolved (抱怨有解决)")),
    "fast": (82, gettext_lazy("complaint resolved quickly (抱怨很快得到解决)")),
}
REPURCHASING = (Contract.Status.SIGNED, Contract.Status.EXECUTING, Contract.Status.COMPLETED)


class Outcome:
    UNRESOLVED = "unresolved"  # closed as not resolved, or open past its resolution target
    SLOW = "slow"  # resolved after the resolution target
    RESOLVED = "resolved"  # resolved within the target
    FAST = "fast"  # resolved within half the target

    ALL = (UNRESOLVED, SLOW, RESOLVED, FAST)


def _outcome_labels() -> dict[str, str]:
    return {
        Outcome.UNRESOLVED: _("Not resolved"),
        Outcome.SLOW: _("Resolved slowly (after the target)"),
        Outcome.RESOLVED: _("Resolved (within the target)"),
        Outcome.FAST: _("Resolved fast (within half the target)"),
    }


# the seed's figure each outcome is set beside
SEED_FOR = {
    Outcome.UNRESOLVED: "unresolved",
    Outcome.SLOW: "resolved",
    Outcome.RESOLVED: "resolved",
    Outcome.FAST: "fast",
}


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "Period":
        today = timezone.localdate()
        since = _date(params, "since") or today - dt.timedelta(days=DEFAULT_DAYS)
        until = _date(params, "until") or today
        if since > until:
            raise invalid_field("since", _("The start must not be after the end."))
        if (until - since).days > MAX_DAYS:
            raise invalid_field("since", _("Choose at most two years."))
        return cls(since=since, until=until)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return local_day_bounds(self.since, self.until)


def _date(params: Mapping[str, Any], name: str) -> dt.date | None:
    raw = str(params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise invalid_field(name, _("Enter a date such as 2026-01-31.")) from None


@dataclass(frozen=True)
class Row:
    label: str
    count: int


@dataclass(frozen=True)
class Timing:
    code: str
    label: str
    median: float | None
    p90: float | None
    met: int
    counted: int

    @property
    def met_rate(self) -> float | None:
        return round(100 * self.met / self.counted, 1) if self.counted else None


@dataclass(frozen=True)
class OutcomeRow:
    code: str
    label: str
    customers: int
    repurchased: int
    seed_rate: int
    seed_label: str

    @property
    def rate(self) -> float | None:
        return round(100 * self.repurchased / self.customers, 1) if self.customers else None


@dataclass(frozen=True)
class Report:
    period: Period
    total: int
    by_category: list[Row]
    by_item: list[Row]
    by_product: list[Row]
    by_channel: list[Row]
    by_consultant: list[Row]
    timings: list[Timing]
    repeat_customers: int
    repeaters: list[Row]
    outcomes: list[OutcomeRow]
    seed_silent: tuple[int, str]


def _rows(base: QuerySet[Complaint], *fields: str, empty: str = "—") -> list[Row]:
    found = base.values(*fields).annotate(n=Count("id")).order_by("-n")[:TOP]
    out = []
    for row in found:
        values = [str(row[name] or "") for name in fields]
        label = bilingual(values[0], values[1]) if len(values) == 2 else values[0]
        out.append(Row(label=label or empty, count=row["n"]))
    return out


def _quantiles(values: list[int]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    if len(values) == 1:
        return float(values[0]), float(values[0])
    cuts = statistics.quantiles(values, n=10, method="inclusive")
    return float(statistics.median(values)), round(cuts[8], 1)


def _timings(base: QuerySet[Complaint]) -> list[Timing]:
    rows = list(
        base.order_by("-created_at").values_list(
            "route_minutes", "respond_minutes", "resolve_minutes"
        )[:SAMPLE]
    )
    met = base.aggregate(
        route_met=Count("id", filter=Q(routed_at__lte=F("route_due"))),
        route_n=Count("id", filter=Q(routed_at__isnull=False) | Q(route_due__lt=timezone.now())),
        respond_met=Count("id", filter=Q(accepted_at__lte=F("respond_due"))),
        respond_n=Count(
            "id", filter=Q(accepted_at__isnull=False) | Q(respond_due__lt=timezone.now())
        ),
        resolve_met=Count(
            "id",
            filter=Q(resolution=Complaint.Resolution.RESOLVED, closed_at__lte=F("resolve_due")),
        ),
        resolve_n=Count(
            "id", filter=Q(closed_at__isnull=False) | Q(resolve_due__lt=timezone.now())
        ),
    )
    labels = (
        ("route", _("Time to route")),
        ("respond", _("Time to respond (接受)")),
        ("resolve", _("Time to resolve")),
    )
    out = []
    for index, (code, label) in enumerate(labels):
        values = [value for row in rows if (value := row[index]) is not None]
        median, p90 = _quantiles(values)
        out.append(
            Timing(
                code=code,
                label=label,
                median=median,
                p90=p90,
                met=met[f"{code}_met"],
                counted=met[f"{code}_n"],
            )
        )
    return out


def outcome_q(outcome: str, *, now: dt.datetime) -> Q:
    resolved = Q(status=Complaint.Status.CLOSED, resolution=Complaint.Resolution.RESOLVED)
    if outcome == Outcome.UNRESOLVED:
        return Q(resolution=Complaint.Resolution.UNRESOLVED) | Q(
            status=Complaint.Status.OPEN, resolve_due__lt=now
        )
    if outcome == Outcome.SLOW:
        return resolved & Q(closed_at__gt=F("resolve_due"))
    fast = Q(resolve_minutes__lte=F("resolve_target") / 2)
    if outcome == Outcome.FAST:
        return resolved & Q(closed_at__lte=F("resolve_due")) & fast
    return resolved & Q(closed_at__lte=F("resolve_due")) & ~fast


def _outcomes(base: QuerySet[Complaint]) -> list[OutcomeRow]:
    """Per outcome: the customers whose complaint ended so, and how many of them signed a
    contract after the complaint was received."""
    now = timezone.now()
    later_contract = Contract.objects.filter(
        customer_id=OuterRef("customer_id"),
        status__in=REPURCHASING,
        signed_on__gte=OuterRef("received_on"),
    )
    labels = _outcome_labels()
    out = []
    for outcome in Outcome.ALL:
        rows = (
            base.filter(outcome_q(outcome, now=now))
            .annotate(received_on=TruncDate("created_at"))
            .annotate(bought_again=Exists(later_contract))
        )
        # per customer: whether any of their complaints with this outcome was followed by
        # a contract (read as rows: an aggregate filtered by the EXISTS is not portable)
        customers: dict[int, bool] = {}
        for customer_id, bought_again in rows.values_list("customer_id", "bought_again"):
            customers[customer_id] = customers.get(customer_id, False) or bool(bought_again)
        seed_rate, seed_label = SEED_RATES[SEED_FOR[outcome]]
        out.append(
            OutcomeRow(
                code=outcome,
                label=labels[outcome],
                customers=len(customers),
                repurchased=sum(customers.values()),
                seed_rate=seed_rate,
                seed_label=str(seed_label),
            )
        )
    return out


def complaint_report(*, user: User, period: Period) -> Report:
    start, end = period.bounds()
    base = Complaint.objects.visible_to(user).filter(created_at__gte=start, created_at__lt=end)
    total = base.count()
    repeat = (
        base.values("customer_id", "customer__name")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("-n", "customer_id")
    )
    channels = dict(Complaint.Channel.choices)
    by_channel = [
        Row(label=str(channels.get(row.label, row.label)), count=row.count)
        for row in _rows(base, "channel")
    ]
    silent_rate, silent_label = SEED_RATES["silent"]
    return Report(
        period=period,
        total=total,
        by_category=_rows(base, "category__name", "category__name_en"),
        by_item=_rows(base.filter(item__isnull=False), "item__name", "item__name_en"),
        by_product=_rows(base.filter(product__isnull=False), "product__name", "product__name_en"),
        by_channel=by_channel,
        by_consultant=_rows(base, "customer__owner__display_name", empty=_("No owner")),
        timings=_timings(base),
        repeat_customers=repeat.count(),
        repeaters=[Row(label=row["customer__name"], count=row["n"]) for row in repeat[:TOP]],
        outcomes=_outcomes(base),
        seed_silent=(silent_rate, str(silent_label)),
    )
