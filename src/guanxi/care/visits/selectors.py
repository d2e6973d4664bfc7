"""Reads of 回访 and care tasks (CARE-1) and of spot checks (CARE-3), each through the scope
filter: a task by its assignee and department (`CareTask.objects.visible_to`), a spot check
also by the consultant it checks (a manager sees the checks of the team's consultants)."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import users_in_scope
from guanxi.care.common import permissions
from guanxi.care.models import CareTask, CareTopic, SpotCheck
from guanxi.core.errors import NotFound, ValidationFailed, invalid_field
from guanxi.core.local_days import local_midnight, on_local_days
from guanxi.core.pagination import COUNT_CAP, Page, capped_count, page_by_keys
from guanxi.core.query_params import choice_param, given_params, id_param, status_param
from guanxi.core.querysets import filter_given
from guanxi.core.scope import scope_of, scope_q
from guanxi.customers.models import Customer
from guanxi.pipeline.models import FollowUp, Objection
from guanxi.sales.models import Contract, Delivery

WORKLIST_ROWS = 5
PANEL_ROWS = 10

# ---------------------------------------------------------------- the 回访 list


class Due:
    TODAY = "today"  # due by the end of today, overdue included
    OVERDUE = "overdue"  # due before now and still open
    LATER = "later"  # due after today

    ALL = (TODAY, OVERDUE, LATER)


@dataclass(frozen=True)
class VisitFilters:
    status: str = CareTask.Status.OPEN
    due: str = ""
    kind: str = ""
    outcome: str = ""
    assignee_id: int | None = None
    topic_id: int | None = None
    customer_id: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "VisitFilters":
        """The filters in a query string; "status" absent means open, "all" every status."""
        return cls(
            status=status_param(params, CareTask.Status.values, default=CareTask.Status.OPEN),
            due=choice_param(params, "due", Due.ALL),
            kind=choice_param(params, "kind", CareTask.Kind.values),
            outcome=choice_param(params, "outcome", CareTask.Outcome.values),
            assignee_id=id_param(params, "assignee"),
            topic_id=id_param(params, "topic"),
            customer_id=id_param(params, "customer"),
        )

    def as_params(self) -> dict[str, str]:
        return given_params(
            {
                "status": self.status or "all",
                "due": self.due,
                "kind": self.kind,
                "outcome": self.outcome,
                "assignee": str(self.assignee_id or ""),
                "topic": str(self.topic_id or ""),
                "customer": str(self.customer_id or ""),
            }
        )


def _end_of_today() -> dt.datetime:
    return local_midnight(timezone.localdate() + dt.timedelta(days=1))


def visible_tasks(*, user: User | AnonymousUser) -> QuerySet[CareTask]:
    return CareTask.objects.visible_to(user)


def _customer_condition(user: User | AnonymousUser) -> Q:
    """A customer's 回访 and care tasks are part of the customer's record, as they are on its
    timeline: who sees the customer sees them (read only), except the spot checks, which
    stay with those who do and judge them."""
    return Q(customer__in=Customer.objects.visible_to(user)) & ~Q(kind=CareTask.Kind.SPOT_CHECK)


def filtered_tasks(*, user: User | AnonymousUser, filters: VisitFilters) -> QuerySet[CareTask]:
    rows = visible_tasks(user=user)
    if filters.customer_id:
        # one customer's 回访: also those read with the customer (its 360 panel's "all")
        rows = CareTask.objects.filter(customer_id=filters.customer_id).filter(
            Q(pk__in=rows.filter(customer_id=filters.customer_id).values("pk"))
            | _customer_condition(user)
        )
    if filters.due == Due.TODAY:
        rows = rows.filter(status=CareTask.Status.OPEN, due_at__lt=_end_of_today())
    elif filters.due == Due.OVERDUE:
        rows = rows.filter(status=CareTask.Status.OPEN, due_at__lt=timezone.now())
    elif filters.due == Due.LATER:
        rows = rows.filter(due_at__gte=_end_of_today())
    return filter_given(
        rows,
        status=filters.status,
        kind=filters.kind,
        outcome=filters.outcome,
        assignee_id=filters.assignee_id,
        topic_id=filters.topic_id,
    )


def _with_customer(rows: QuerySet[CareTask]) -> QuerySet[CareTask]:
    """The tasks with their customer's name only: a customer row is wide (needs, notes,
    custom fields …), and reading 25 whole ones costs more than the rest of a list."""
    task_fields = [field.name for field in CareTask._meta.concrete_fields]
    return rows.select_related("customer").only(
        *task_fields, "customer__id", "customer__name", "customer__owner_id"
    )


def _listed(rows: QuerySet[CareTask]) -> QuerySet[CareTask]:
    return _with_customer(rows).select_related("assignee", "topic")


def visit_page(
    *, user: User | AnonymousUser, filters: VisitFilters, cursor: str | None = None, limit: int = 25
) -> Page[CareTask]:
    """The tasks in scope matching `filters`, earliest due first, keyset by (due, id)."""
    return page_by_keys(
        _listed(filtered_tasks(user=user, filters=filters)),
        keys=[("due_at", dt.datetime), ("id", int)],
        descending=False,
        cursor=cursor,
        limit=limit,
    )


def visit_count(*, user: User | AnonymousUser, filters: VisitFilters) -> tuple[int, bool]:
    return capped_count(filtered_tasks(user=user, filters=filters))


def task_for_user(*, user: User | AnonymousUser, task_id: int) -> CareTask:
    """A task in the user's work scope, or one of a customer the user sees (read only)."""
    rows = CareTask.objects.select_related(
        "customer", "assignee", "topic", "parent", "done_by", "created_by"
    ).filter(pk=task_id)
    task = visible_tasks(user=user).filter(pk=task_id).exists() and rows.first()
    if not task:
        task = rows.filter(_customer_condition(user)).first()
    if task is None:
        raise NotFound()
    return task


def filter_choices(*, user: User | AnonymousUser) -> dict[str, Any]:
    return {
        "assignees": list(users_in_scope(user=user).order_by("id")[:500]),
        "topics": list(CareTopic.objects.all()),
    }


def assignee_choices() -> QuerySet[User]:
    """Who can be given a task: every active user (tasks cross departments by design)."""
    return User.objects.filter(is_active=True).select_related("department").order_by("id")


def topic_choices(*, include: int | None = None) -> list[CareTopic]:
    return list(CareTopic.objects.filter(Q(active=True) | Q(pk=include or 0)))


# ---------------------------------------------------------------- preparing a 回访


@dataclass
class Preparation:
    """What the 回访 page shows before the call (seed 000 §5.6.1 回访准备)."""

    followups: list[FollowUp]
    contracts: list[Contract]
    deliveries: list[Delivery]
    objections: list[Objection]
    earlier: list[CareTask]
    actions: list[CareTask] = field(default_factory=list)


def visit_preparation(*, task: CareTask, rows: int = 5) -> Preparation:
    """The customer's last contacts, contracts, deliveries, open objections and earlier
    回访. The task being visible to the user is what lets them prepare its call."""
    customer_id = task.customer_id
    return Preparation(
        followups=list(
            FollowUp.objects.filter(customer_id=customer_id)
            .select_related("user")
            .order_by("-at", "-id")[:rows]
        ),
        contracts=list(Contract.objects.filter(customer_id=customer_id).order_by("-id")[:rows]),
        deliveries=list(
            Delivery.objects.filter(plan__order__contract__customer_id=customer_id)
            .select_related("plan__contract_item", "plan__order")
            .order_by("-delivered_on", "-id")[:rows]
        ),
        objections=list(
            Objection.objects.filter(
                customer_id=customer_id, outcome=Objection.Outcome.OPEN
            ).order_by("-id")[:rows]
        ),
        earlier=list(
            CareTask.objects.filter(customer_id=customer_id)
            .exclude(pk=task.pk)
            .select_related("assignee")
            .order_by("-due_at", "-id")[:rows]
        ),
        actions=list(task.actions.select_related("assignee").order_by("due_at", "id")),
    )


def questions_with_answers(*, task: CareTask, english: bool) -> list[dict[str, str]]:
    out = []
    for question in task.topic.questions if task.topic else []:
        key = str(question.get("key", ""))
        text = (question.get("text_en") if english else "") or question.get("text", "")
        out.append({"key": key, "text": str(text), "answer": str(task.answers.get(key, ""))})
    return out


# ---------------------------------------------------------------- work list, waiting, panel


def due_for_assignee(*, user: User, rows: int = WORKLIST_ROWS) -> tuple[int, bool, list[CareTask]]:
    """The user's open tasks due by the end of today (overdue first): count up to the cap,
    and the first rows. Two short queries on the (assignee, status, due) index."""
    due = CareTask.objects.filter(
        assignee_id=user.pk, status=CareTask.Status.OPEN, due_at__lt=_end_of_today()
    )
    count, capped = capped_count(due)
    if not count:
        return 0, False, []
    first = list(_with_customer(due).order_by("due_at", "id")[:rows])
    return count, capped, first


def due_count(*, user: User, cap: int = COUNT_CAP) -> int:
    count, _capped = capped_count(
        CareTask.objects.filter(
            assignee_id=user.pk, status=CareTask.Status.OPEN, due_at__lt=_end_of_today()
        ),
        cap,
    )
    return count


def customer_tasks(
    *, user: User | AnonymousUser, customer: Customer, rows: int = PANEL_ROWS
) -> list[CareTask]:
    """The customer's tasks for its 360 page (whose caller has checked that the user sees
    the customer): all but the spot checks the user has no part in."""
    own_spot_checks = visible_tasks(user=user).filter(kind=CareTask.Kind.SPOT_CHECK)
    return list(
        CareTask.objects.filter(customer_id=customer.pk)
        .filter(~Q(kind=CareTask.Kind.SPOT_CHECK) | Q(pk__in=own_spot_checks.values("pk")))
        .select_related("assignee", "topic")
        .order_by("-due_at", "-id")[:rows]
    )


def customer_visit_creatable(*, user: User | AnonymousUser, customer: Customer) -> bool:
    """Whether the user may plan a 回访 for the customer (its 360 panel's "new 回访")."""
    return (
        Customer.objects.editable_by(user, action=permissions.TASK_OTHERS)
        .filter(pk=customer.pk)
        .exists()
    )


@dataclass(frozen=True)
class RelationsOverview:
    mine_due: int
    mine_overdue: int
    open_in_scope: int
    open_capped: bool
    rows: list[CareTask]


def relations_overview(*, user: User) -> RelationsOverview:
    now = timezone.now()
    count, _capped, rows = due_for_assignee(user=user)
    overdue = CareTask.objects.filter(
        assignee_id=user.pk, status=CareTask.Status.OPEN, due_at__lt=now
    )
    overdue_count, _c = capped_count(overdue)
    open_count, open_capped = capped_count(
        visible_tasks(user=user).filter(status=CareTask.Status.OPEN)
    )
    return RelationsOverview(
        mine_due=count,
        mine_overdue=overdue_count,
        open_in_scope=open_count,
        open_capped=open_capped,
        rows=rows,
    )


# ---------------------------------------------------------------- 无效回访分析


class Period:
    WEEK = "week"
    MONTH = "month"

    ALL = (WEEK, MONTH)


@dataclass
class RateRow:
    key: Any  # the period's first day, or the assignee
    label: str
    counts: dict[str, int]
    total: int

    def rate(self, outcome: str) -> float:
        return round(100 * self.counts.get(outcome, 0) / self.total, 1) if self.total else 0.0

    @property
    def rates(self) -> dict[str, float]:
        return {outcome: self.rate(outcome) for outcome in CareTask.Outcome.values}

    @property
    def cells(self) -> list[dict[str, Any]]:
        """One cell per outcome, in the choices' order: its label, count and rate."""
        return [
            {
                "key": outcome,
                "label": label,
                "count": self.counts.get(outcome, 0),
                "rate": self.rate(outcome),
            }
            for outcome, label in CareTask.Outcome.choices
        ]

    @property
    def invalid(self) -> int:
        return self.total - self.counts.get(CareTask.Outcome.REACHED, 0)

    @property
    def invalid_rate(self) -> float:
        return round(100 * self.invalid / self.total, 1) if self.total else 0.0


@dataclass
class RatesReport:
    period: str
    since: dt.date
    until: dt.date
    by_period: list[RateRow]
    by_assignee: list[RateRow]
    total: RateRow


@dataclass(frozen=True)
class RateFilters:
    period: str = Period.WEEK
    since: dt.date | None = None
    until: dt.date | None = None
    assignee_id: int | None = None
    topic_id: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "RateFilters":
        errors: dict[str, list[Any]] = {}
        period = (params.get("period") or Period.WEEK).strip()
        if period not in Period.ALL:
            errors["period"] = [_("Choose week or month.")]
        days: dict[str, dt.date | None] = {}
        for name in ("since", "until"):
            raw = (params.get(name) or "").strip()
            try:
                days[name] = dt.date.fromisoformat(raw) if raw else None
            except ValueError:
                errors[name] = [_("Enter a valid date.")]
        ids: dict[str, int | None] = {}
        for name in ("assignee", "topic"):
            try:
                ids[name] = id_param(params, name)
            except ValidationFailed as exc:
                errors.update(exc.field_errors)
        if errors:
            raise ValidationFailed(field_errors=errors)
        return cls(
            period=period,
            since=days.get("since"),
            until=days.get("until"),
            assignee_id=ids.get("assignee"),
            topic_id=ids.get("topic"),
        )


def _window_days(filters: RateFilters, today: dt.date) -> tuple[dt.date, dt.date]:
    until = filters.until or today
    default_span = 7 * 8 if filters.period == Period.WEEK else 183
    since = filters.since or until - dt.timedelta(days=default_span)
    if since > until:
        raise invalid_field("since", _("The start must not be after the end."))
    if (until - since).days > 731:
        raise invalid_field("since", _("At most two years at a time."))
    return since, until


def _row(key: Any, label: str, counts: dict[str, int]) -> RateRow:
    return RateRow(key=key, label=label, counts=counts, total=sum(counts.values()))


def visit_rates(*, user: User | AnonymousUser, filters: RateFilters) -> RatesReport:
    """Reached / unreachable / refused / wrong number among the 回访 and calls closed with an
    outcome in the window, per week or month and per assignee (无效回访分析, seed 003
    §3.3.2). Grouped in the database over the done_at index."""
    today = timezone.localdate()
    since, until = _window_days(filters, today)
    rows = visible_tasks(user=user).filter(
        kind__in=[CareTask.Kind.VISIT, CareTask.Kind.CALL],
        status=CareTask.Status.DONE,
        **on_local_days("done_at", since, until),
    )
    rows = filter_given(
        rows.exclude(outcome=""), assignee_id=filters.assignee_id, topic_id=filters.topic_id
    )
    trunc = TruncWeek if filters.period == Period.WEEK else TruncMonth
    by_period: dict[dt.date, dict[str, int]] = {}
    for item in (
        rows.annotate(bucket=trunc("done_at", tzinfo=timezone.get_current_timezone()))
        .values("bucket", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    ):
        bucket = item["bucket"]
        day = bucket.date() if isinstance(bucket, dt.datetime) else bucket
        by_period.setdefault(day, {})[item["outcome"]] = item["n"]
    by_user: dict[int | None, dict[str, int]] = {}
    for user_id, outcome, n in (
        rows.values_list("assignee_id", "outcome").annotate(n=Count("id")).order_by()
    ):
        by_user.setdefault(user_id, {})[outcome] = n
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[k for k in by_user if k])}
    totals: dict[str, int] = {}
    for counts in by_user.values():
        for outcome, n in counts.items():
            totals[outcome] = totals.get(outcome, 0) + n
    period_rows = [
        _row(day, _period_label(day, filters.period), counts)
        for day, counts in sorted(by_period.items())
    ]
    user_rows = sorted(
        (
            _row(user_id, names.get(user_id or 0, _("Nobody")), counts)
            for user_id, counts in by_user.items()
        ),
        key=lambda r: (-r.total, r.label),
    )
    return RatesReport(
        period=filters.period,
        since=since,
        until=until,
        by_period=period_rows,
        by_assignee=user_rows,
        total=_row(None, _("All"), totals),
    )


def _period_label(day: dt.date, period: str) -> str:
    if period == Period.MONTH:
        return day.strftime("%Y-%m")
    return _("Week of %(day)s") % {"day": day.isoformat()}


# ---------------------------------------------------------------- spot checks


def visible_spot_checks(*, user: User | AnonymousUser) -> QuerySet[SpotCheck]:
    """The spot checks of consultants in the user's scope, and those the user re-calls."""
    scope = scope_of(user)
    if scope.user_id is None:
        return SpotCheck.objects.none()
    rows = SpotCheck.objects.all()
    if scope.sees_all:
        return rows
    condition = scope_q(scope, owner_field="consultant", department_field="consultant__department")
    return rows.filter(condition | Q(task__assignee_id=scope.user_id))


@dataclass(frozen=True)
class SpotFilters:
    period_start: dt.date | None = None
    consultant_id: int | None = None
    result: str = ""  # "", "open" or a SpotCheck.Result

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "SpotFilters":
        raw_day = (params.get("period") or "").strip()
        try:
            day = dt.date.fromisoformat(raw_day) if raw_day else None
        except ValueError:
            raise invalid_field("period", _("Enter a valid date.")) from None
        return cls(
            period_start=day,
            consultant_id=id_param(params, "consultant"),
            result=choice_param(params, "result", ["open", *SpotCheck.Result.values]),
        )

    def as_params(self) -> dict[str, str]:
        return given_params(
            {
                "period": self.period_start.isoformat() if self.period_start else "",
                "consultant": str(self.consultant_id or ""),
                "result": self.result,
            }
        )


def _filtered_spot_checks(
    *, user: User | AnonymousUser, filters: SpotFilters
) -> QuerySet[SpotCheck]:
    rows = filter_given(
        visible_spot_checks(user=user),
        period_start=filters.period_start,
        consultant_id=filters.consultant_id,
    )
    if filters.result == "open":
        rows = rows.filter(result="")
    elif filters.result:
        rows = rows.filter(result=filters.result)
    return rows


def spot_check_page(
    *, user: User | AnonymousUser, filters: SpotFilters, cursor: str | None = None, limit: int = 25
) -> Page[SpotCheck]:
    """Newest fortnight first, keyset by (fortnight, id)."""
    return page_by_keys(
        _filtered_spot_checks(user=user, filters=filters).select_related(
            "consultant", "followup", "task__customer", "task__assignee"
        ),
        keys=[("period_start", dt.date), ("id", int)],
        descending=True,
        cursor=cursor,
        limit=limit,
    )


@dataclass
class ConsultantChecks:
    consultant_id: int | None
    name: str
    matches: int
    differs: int
    unreachable: int
    open: int

    @property
    def total(self) -> int:
        return self.matches + self.differs + self.unreachable + self.open

    @property
    def match_rate(self) -> float | None:
        judged = self.matches + self.differs
        return round(100 * self.matches / judged, 1) if judged else None


def spot_check_summary(
    *, user: User | AnonymousUser, filters: SpotFilters
) -> list[ConsultantChecks]:
    """Per consultant: how many checks matched, differed, were not reached or are open,
    and the match rate (matches among the checks that reached the customer)."""
    rows = (
        _filtered_spot_checks(user=user, filters=filters)
        .values("consultant_id", "result")
        .annotate(n=Count("id"))
        .order_by()
    )
    found: dict[int | None, dict[str, int]] = {}
    for item in rows:
        found.setdefault(item["consultant_id"], {})[item["result"] or "open"] = item["n"]
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[k for k in found if k])}
    out = [
        ConsultantChecks(
            consultant_id=consultant_id,
            name=names.get(consultant_id or 0, _("Nobody")),
            matches=counts.get(SpotCheck.Result.MATCHES, 0),
            differs=counts.get(SpotCheck.Result.DIFFERS, 0),
            unreachable=counts.get(SpotCheck.Result.UNREACHABLE, 0),
            open=counts.get("open", 0),
        )
        for consultant_id, counts in found.items()
    ]
    return sorted(out, key=lambda c: c.name)


def spot_check_for_user(*, user: User | AnonymousUser, spot_check_id: int) -> SpotCheck:
    check = (
        visible_spot_checks(user=user)
        .select_related("consultant", "followup", "task__customer", "task__assignee")
        .filter(pk=spot_check_id)
        .first()
    )
    if check is None:
        raise NotFound()
    return check


def recent_fortnights(*, user: User | AnonymousUser, limit: int = 12) -> list[dt.date]:
    return list(
        visible_spot_checks(user=user)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .distinct()[:limit]
    )
