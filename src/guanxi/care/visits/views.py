"""回访 pages (CARE-1): the list, a task's page (prepare, do, close, track, reassign), a new
回访 from the customer's 360 page, the 无效回访分析, the topics; spot checks (CARE-3); and the
sections other apps show (work list, home, waiting badge, the 360 panel). Thin: parse, call a
service or selector, render."""

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.http import request_user
from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.care.common import permissions
from guanxi.care.models import CareTask, CareTopic, SpotCheck
from guanxi.care.visits import selectors, services
from guanxi.care.visits.forms import (
    CloseForm,
    ReassignForm,
    SampleSizeForm,
    SpotResultForm,
    TopicForm,
    TrackForm,
    VisitCreateForm,
    VisitDoForm,
)
from guanxi.core import home as home_kinds
from guanxi.core.errors import SHOWN_ON_FORM, ValidationFailed, found
from guanxi.core.forms import form_add_errors
from guanxi.core.home import HomeSection, home_section
from guanxi.core.http import (
    capped_list_html,
    filters_from_query,
    form_post,
    next_page_url,
    notice_text,
    page_from_query,
    query_without,
    redirect_to_saved,
    render_form,
)
from guanxi.core.waiting import WAITING_CAP, WaitingItem
from guanxi.customers.archive.panel_views import customer_panel
from guanxi.customers.models import Customer


def _can_change(user: Any, task: CareTask) -> bool:
    return (
        CareTask.objects.editable_by(user, action=permissions.TASK_OTHERS)
        .filter(pk=task.pk)
        .exists()
    )


# ---------------------------------------------------------------- the list


@login_required
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    filters = filters_from_query(request, selectors.VisitFilters)
    page = page_from_query(
        request, functools.partial(selectors.visit_page, user=request.user, filters=filters)
    )
    context = {
        "page": page,
        "filters": filters,
        "choices": selectors.filter_choices(user=request.user),
        "statuses": CareTask.Status.choices,
        "kinds": CareTask.Kind.choices,
        "outcomes": CareTask.Outcome.choices,
        "dues": [
            (selectors.Due.TODAY, _("Due by today")),
            (selectors.Due.OVERDUE, _("Overdue")),
            (selectors.Due.LATER, _("Later")),
        ],
        "now": timezone.now(),
        "next_url": next_page_url(filters.as_params(), page.next_cursor),
        "query": query_without(request, "after"),
    }
    return render(request, "care/visits/list.html", context)


# ---------------------------------------------------------------- a task's page


def _assignees() -> list[User]:
    return list(selectors.assignee_choices()[:500])


def _detail(
    request: HttpRequest, task: CareTask, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    can_change = task.status == CareTask.Status.OPEN and _can_change(user, task)
    can_track = (
        task.kind != CareTask.Kind.ACTION
        and task.outcome == CareTask.Outcome.REACHED
        and _can_change(user, task)
    )
    can_reassign = can_change and user_can(user=user, permission=permissions.TASK_OTHERS)
    spot_check = SpotCheck.objects.filter(task_id=task.pk).select_related("followup").first()
    assignees = _assignees() if (can_track or can_reassign) else []
    english = translation.get_language() == "en"
    owner_id = task.customer.owner_id
    context = {
        "task": task,
        "prep": selectors.visit_preparation(task=task),
        "questions": selectors.questions_with_answers(task, english=english),
        "topic_name": (task.topic.name_en or task.topic.name)
        if task.topic and english
        else (task.topic.name if task.topic else ""),
        "now": timezone.now(),
        "can_change": can_change,
        "can_do": can_change and task.kind in services.CALL_KINDS,
        "can_track": can_track,
        "can_reassign": can_reassign,
        "spot_check": spot_check,
        "can_spot": spot_check is not None
        and can_change
        and not spot_check.result
        and user_can(user=user, permission=permissions.SPOT_CHECK),
        "do_form": forms.get("do_form") or VisitDoForm(),
        "answers": forms.get("answers") or {},
        "close_form": forms.get("close_form")
        or CloseForm(
            initial={
                "resolution": services.Resolution.DONE
                if task.kind == CareTask.Kind.ACTION
                else services.Resolution.CANCELLED
            }
        ),
        "track_form": forms.get("track_form")
        or TrackForm(assignees=assignees, initial={"assignee": owner_id}),
        "reassign_form": forms.get("reassign_form") or ReassignForm(assignees=assignees),
        "spot_form": forms.get("spot_form") or SpotResultForm(),
    }
    return render(request, "care/visits/detail.html", context, status=status)


@login_required
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.task_for_user(user=request.user, task_id=pk))


def _posted(request: HttpRequest, pk: int) -> CareTask:
    return selectors.task_for_user(user=request.user, task_id=pk)


def _act(
    request: HttpRequest,
    task: CareTask,
    form: BaseForm,
    form_name: str,
    action: Callable[[dict[str, Any]], object],
    *,
    done: str | Callable[[Any], str],
    elsewhere: tuple[str, ...] = (),
    **shown: Any,
) -> HttpResponse:
    """A form of the task's page: back to the page when the service accepts it, else the
    page with the form's errors (422)."""
    return form_post(
        request,
        form,
        action,
        done=done,
        back=reverse("care:visit_detail", args=[task.pk]),
        refused=lambda form: _detail(request, task, status=422, **{form_name: form}, **shown),
        elsewhere=elsewhere,
    )


@login_required
@require_POST
def visit_do(request: HttpRequest, pk: int) -> HttpResponse:
    task = _posted(request, pk)
    answers = VisitDoForm.answers_from(request.POST)
    return _act(
        request,
        task,
        VisitDoForm(request.POST),
        "do_form",
        lambda data: services.care_visit_do(
            actor=request_user(request),
            task_id=task.pk,
            record=services.VisitRecord(
                outcome=data["outcome"],
                answers=answers,
                score=data["score"],
                notes=data["notes"],
                retry_at=data["retry_at"],
            ),
        ),
        done=_("The 回访 is recorded and closed."),
        elsewhere=("answers",),
        answers=answers,
    )


@login_required
@require_POST
def visit_close(request: HttpRequest, pk: int) -> HttpResponse:
    task = _posted(request, pk)
    return _act(
        request,
        task,
        CloseForm(request.POST),
        "close_form",
        lambda data: services.care_task_close(
            actor=request_user(request),
            task_id=task.pk,
            resolution=data["resolution"],
            note=data["note"],
        ),
        done=_("The task is closed."),
    )


@login_required
@require_POST
def visit_track(request: HttpRequest, pk: int) -> HttpResponse:
    task = _posted(request, pk)
    return _act(
        request,
        task,
        TrackForm(request.POST, assignees=_assignees()),
        "track_form",
        lambda data: services.care_visit_track(
            actor=request_user(request),
            task_id=task.pk,
            new=services.TrackNew(
                title=data["title"],
                assignee_id=data["assignee"],
                due_at=data["due_at"],
                notes=data["notes"],
            ),
        ),
        done=lambda action: _("Follow-up action for %(name)s planned.") % {"name": action.assignee},
    )


@login_required
@require_POST
def visit_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    task = _posted(request, pk)
    return _act(
        request,
        task,
        ReassignForm(request.POST, assignees=_assignees()),
        "reassign_form",
        lambda data: services.care_task_reassign(
            actor=request_user(request),
            task_id=task.pk,
            assignee_id=data["assignee"],
            request=request,
        ),
        done=_("The task is reassigned."),
    )


# ---------------------------------------------------------------- a new 回访 by hand


def _customer_for_new(user: Any, customer_id: int) -> Customer:
    """A customer the user may plan a 回访 for: their own, or one in scope with
    care.task_others."""
    return found(
        Customer.objects.editable_by(user, action=permissions.TASK_OTHERS)
        .alive()
        .filter(pk=customer_id)
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_for_new(request.user, customer_id)
    others = user_can(user=request.user, permission=permissions.TASK_OTHERS)
    form = VisitCreateForm(
        request.POST or None,
        topics=selectors.topic_choices(),
        assignees=_assignees() if others else None,
        initial={
            "channel": CareTask.Channel.PHONE,
            "due_at": timezone.localtime() + dt.timedelta(days=1),
        },
    )

    def plan(data: dict[str, Any]) -> CareTask:
        return services.care_visit_create(
            actor=request_user(request),
            new=services.VisitNew(
                customer_id=customer.pk,
                topic_id=data["topic"],
                channel=data["channel"],
                due_at=data["due_at"],
                assignee_id=data.get("assignee"),
                title=data["title"],
                notes=data["notes"],
            ),
        )

    planned = redirect_to_saved(
        request, form, plan, done=_("回访 planned."), detail="care:visit_detail"
    )
    if planned is not None:
        return planned
    return render_form(request, "care/visits/create.html", {"customer": customer}, form=form)


# ---------------------------------------------------------------- 无效回访分析


@login_required
@require_GET
def visit_rates(request: HttpRequest) -> HttpResponse:
    try:
        filters = selectors.RateFilters.from_params(request.GET)
        report = selectors.visit_rates(user=request.user, filters=filters)
    except ValidationFailed as exc:
        messages.error(request, notice_text(exc))
        filters = selectors.RateFilters()
        report = selectors.visit_rates(user=request.user, filters=filters)
    context = {
        "report": report,
        "filters": filters,
        "choices": selectors.filter_choices(user=request.user),
        "outcomes": CareTask.Outcome.choices,
        "periods": [(selectors.Period.WEEK, _("Week")), (selectors.Period.MONTH, _("Month"))],
    }
    return render(request, "care/visits/rates.html", context)


# ---------------------------------------------------------------- topics


def _may_manage_topics(user: Any) -> None:
    if not user_can(user=user, permission=permissions.MANAGE_RULES):
        raise DjangoPermissionDenied(_("You may not change 回访 topics."))


@login_required
@require_GET
def topic_list(request: HttpRequest) -> HttpResponse:
    _may_manage_topics(request.user)
    return render(request, "care/visits/topics.html", {"topics": CareTopic.objects.all()})


BLANK_QUESTION_ROWS = 3


def _topic_page(
    request: HttpRequest,
    topic: CareTopic | None,
    form: TopicForm,
    questions: list[dict[str, str]],
    status: int,
) -> HttpResponse:
    blank = {"key": "", "text": "", "text_en": ""}
    return render(
        request,
        "care/visits/topic_form.html",
        {
            "topic": topic,
            "form": form,
            "questions": [*questions, *([blank] * BLANK_QUESTION_ROWS)],
            "question_errors": form.question_errors if hasattr(form, "question_errors") else {},
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def topic_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _may_manage_topics(request.user)
    topic = found(CareTopic.objects.filter(pk=pk).first()) if pk is not None else None
    if request.method != "POST":
        initial = (
            {
                "code": topic.code,
                "name": topic.name,
                "name_en": topic.name_en,
                "sort_order": topic.sort_order,
                "scored": topic.scored,
                "active": topic.active,
            }
            if topic
            else {"active": True, "sort_order": 0}
        )
        return _topic_page(
            request, topic, TopicForm(initial=initial), topic.questions if topic else [], 200
        )
    form = TopicForm(request.POST)
    rows = TopicForm.questions_from(request.POST)
    shown = [
        {"key": q.key, "text": q.text, "text_en": q.text_en} for q in rows if q.text or q.text_en
    ]
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.care_topic_save(
                actor=request_user(request),
                topic_id=topic.pk if topic else None,
                data=services.TopicInput(
                    code=data["code"],
                    name=data["name"],
                    name_en=data["name_en"],
                    scored=data["scored"],
                    active=data["active"],
                    sort_order=data["sort_order"],
                    questions=rows,
                ),
                request=request,
            )
        except SHOWN_ON_FORM as exc:
            kept = form_add_errors(form, exc, elsewhere=("questions",))
            for messages_of in kept.values():
                for message in messages_of:
                    form.add_error(None, message)
        else:
            messages.success(request, _("Topic saved."))
            return redirect("care:topic_list")
    return _topic_page(request, topic, form, shown, 422)


# ---------------------------------------------------------------- spot checks


@login_required
@require_GET
def spot_checks(request: HttpRequest) -> HttpResponse:
    filters = filters_from_query(request, selectors.SpotFilters)
    page = page_from_query(
        request, functools.partial(selectors.spot_check_page, user=request.user, filters=filters)
    )
    can_draw = user_can(user=request.user, permission=permissions.SPOT_CHECK)
    context = {
        "page": page,
        "filters": filters,
        "summary": selectors.spot_check_summary(user=request.user, filters=filters),
        "fortnights": selectors.recent_fortnights(user=request.user),
        "consultants": selectors.filter_choices(user=request.user)["assignees"],
        "results": [("open", _("Not yet called")), *SpotCheck.Result.choices],
        "next_url": next_page_url(filters.as_params(), page.next_cursor),
        "can_draw": can_draw,
        "next_fortnight": services.last_complete_fortnight(timezone.localdate()),
        "sample_form": SampleSizeForm(initial={"sample_size": services.spot_check_sample_size()})
        if can_draw
        else None,
    }
    return render(request, "care/visits/spot_checks.html", context)


@login_required
@require_POST
def spot_check_draw(request: HttpRequest) -> HttpResponse:
    if not user_can(user=request.user, permission=permissions.SPOT_CHECK):
        raise DjangoPermissionDenied(_("You may not draw spot checks."))
    try:
        result = services.spot_checks_draw(actor=request_user(request))
    except ValidationFailed as exc:
        messages.error(request, notice_text(exc))
    else:
        if result.created:
            messages.success(
                request,
                _("%(count)d spot checks drawn for the fortnight from %(day)s.")
                % {"count": result.created, "day": result.period_start.isoformat()},
            )
        else:
            messages.info(
                request,
                _("Nothing new to draw for the fortnight from %(day)s.")
                % {"day": result.period_start.isoformat()},
            )
    return redirect("care:spot_checks")


@login_required
@require_POST
def spot_check_settings(request: HttpRequest) -> HttpResponse:
    if not user_can(user=request.user, permission=permissions.SPOT_CHECK):
        raise DjangoPermissionDenied(_("You may not change how spot checks are drawn."))
    form = SampleSizeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A number from 1 to 50."))
        return redirect("care:spot_checks")
    try:
        services.spot_check_settings_set(
            actor=request_user(request), sample_size=form.cleaned_data["sample_size"]
        )
    except ValidationFailed as exc:
        messages.error(request, notice_text(exc))
    else:
        messages.success(request, _("Sample size saved."))
    return redirect("care:spot_checks")


@login_required
@require_POST
def spot_check_result(request: HttpRequest, pk: int) -> HttpResponse:
    check = selectors.spot_check_for_user(user=request.user, spot_check_id=pk)
    task = selectors.task_for_user(user=request.user, task_id=check.task_id)
    return _act(
        request,
        task,
        SpotResultForm(request.POST),
        "spot_form",
        lambda data: services.spot_check_record(
            actor=request_user(request),
            spot_check_id=check.pk,
            result=data["result"],
            notes=data["notes"],
        ),
        done=_("Spot-check result recorded."),
    )


# ---------------------------------------------------------------- shown by other apps


def worklist_section(*, request: HttpRequest, user: Any, **kwargs: Any) -> SafeString | str:
    """The person's 回访 and care tasks due by today, at the top of their work list."""
    return capped_list_html(
        request,
        "care/visits/worklist.html",
        selectors.due_for_assignee(user=user),
        target=user,
        now=timezone.now(),
    )


def waiting_item(*, user: Any, **kwargs: Any) -> WaitingItem | None:
    count = selectors.due_count(user=user, cap=WAITING_CAP + 1)
    url = reverse("care:visit_list") + f"?due=today&assignee={user.pk}"
    return WaitingItem("care_tasks", _("回访 due"), count, url)


def home_relations_section(
    *, request: HttpRequest, user: Any, kinds: frozenset[str], **kwargs: Any
) -> HomeSection | None:
    """Customer relations' home: their 回访 due and overdue, what is open in their scope."""
    if home_kinds.RELATIONS not in kinds:
        return None
    context = {"overview": selectors.relations_overview(user=user), "now": timezone.now()}
    return home_section("care/visits/home.html", request, context, order=10)


@login_required
@require_GET
def customer_visits(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The customer's 回访, with "new 回访" for who may plan one (the 360 page's panel)."""
    return customer_panel(
        request,
        customer_id,
        "care/visits/panel.html",
        lambda user, customer: {
            "tasks": selectors.customer_tasks(user=user, customer=customer),
            "can_create": selectors.customer_visit_creatable(user=user, customer=customer),
            "now": timezone.now(),
        },
        title=_("回访"),
    )
