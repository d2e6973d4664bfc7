"""Writes of survey templates, links and answers (SAT-1, SAT-2). Every answer — by link, by
staff on a call or visit, or imported — is stored by `_response_store`: one response and its
items (satisfaction = performance − expectation), and at once a recovery task for the
consultant's manager when the overall score is below the template's threshold (SAT-3)."""

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.care.messages.sandbox import surname_of
from guanxi.care.messages.services import MessageNew, message_queue
from guanxi.care.models import CareTask, Channel, Purpose
from guanxi.care.visits.services import CareTaskNew, care_task_create
from guanxi.core.audit import audit_record
from guanxi.core.crypto import token_digest
from guanxi.core.dataclass_values import dataclass_values
from guanxi.core.errors import DomainError, PermissionDenied, ValidationFailed, found
from guanxi.customers.archive.services import timeline_add
from guanxi.customers.models import Customer
from guanxi.satisfaction import hooks
from guanxi.satisfaction.common import permissions
from guanxi.satisfaction.models import (
    AnswerItem,
    Factor,
    Question,
    Source,
    SurveyLink,
    SurveyResponse,
    SurveyTemplate,
    SurveyVersion,
)
from guanxi.service.models import Complaint

LINK_DAYS = 14
SHANGHAI = ZoneInfo("Asia/Shanghai")
COMMENT_LIMIT = 2000


class LinkRefused(DomainError):
    """A survey link that cannot be answered: `code` says why (invalid, used, expired)."""

    status_code = 410


# ---------------------------------------------------------------- templates and versions


@dataclass(frozen=True)
class QuestionDraft:
    text: str
    text_en: str = ""
    asks_expectation: bool = True


@dataclass(frozen=True)
class FactorDraft:
    code: str
    name: str
    name_en: str = ""
    baseline: int = 8
    questions: list[QuestionDraft] = field(default_factory=list)


@dataclass(frozen=True)
class VersionDraft:
    factors: list[FactorDraft]
    low_threshold: int = 6
    scale_max: int = 10
    intro: str = ""
    intro_en: str = ""


def current_version(*, template: SurveyTemplate) -> SurveyVersion:
    return found(SurveyVersion.objects.filter(template=template).order_by("-number").first())


def _draft_errors(draft: VersionDraft) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not 2 <= draft.scale_max <= 100:
        errors["scale_max"] = [_("Between 2 and 100.")]
    if not 0 <= draft.low_threshold <= draft.scale_max:
        errors["low_threshold"] = [_("Between 0 and the highest score.")]
    if not draft.factors:
        errors["factors"] = [_("Add at least one factor with a question.")]
    codes: set[str] = set()
    for i, factor in enumerate(draft.factors):
        prefix = f"factors.{i}"
        if not factor.code or not factor.code.replace("_", "").isalnum() or len(factor.code) > 40:
            errors[f"{prefix}.code"] = [_("A short code of letters, digits and _.")]
        elif factor.code in codes:
            errors[f"{prefix}.code"] = [_("Two factors have the same code.")]
        codes.add(factor.code)
        if not factor.name.strip() or len(factor.name) > 80:
            errors[f"{prefix}.name"] = [_("Name the factor (at most 80 characters).")]
        if not 1 <= factor.baseline <= draft.scale_max:
            errors[f"{prefix}.baseline"] = [_("Between 1 and the highest score.")]
        if not factor.questions:
            errors[f"{prefix}.questions"] = [_("Add at least one question.")]
        for j, question in enumerate(factor.questions):
            if not question.text.strip() or len(question.text) > 200:
                errors[f"{prefix}.questions.{j}.text"] = [
                    _("Write the question (at most 200 characters).")
                ]
    return errors


def survey_version_publish(*, actor: User, template_id: int, draft: VersionDraft) -> SurveyVersion:
    """Editing a template publishes a new version; answers given before keep theirs."""
    if not user_can(user=actor, permission=permissions.MANAGE_SURVEYS):
        raise PermissionDenied()
    errors = _draft_errors(draft)
    if errors:
        raise ValidationFailed(field_errors=errors)
    with transaction.atomic():
        template = found(SurveyTemplate.objects.select_for_update().filter(pk=template_id).first())
        last = SurveyVersion.objects.filter(template=template).order_by("-number").first()
        version = SurveyVersion.objects.create(
            template=template,
            number=(last.number + 1) if last else 1,
            scale_max=draft.scale_max,
            low_threshold=draft.low_threshold,
            intro=draft.intro.strip()[:300],
            intro_en=draft.intro_en.strip()[:300],
            created_by=actor,
        )
        for i, f in enumerate(draft.factors):
            factor = Factor.objects.create(
                version=version,
                code=f.code,
                name=f.name.strip(),
                name_en=f.name_en.strip()[:80],
                baseline=f.baseline,
                sort_order=i,
            )
            Question.objects.bulk_create(
                Question(
                    factor=factor,
                    text=q.text.strip(),
                    text_en=q.text_en.strip()[:200],
                    asks_expectation=q.asks_expectation,
                    sort_order=j,
                )
                for j, q in enumerate(f.questions)
            )
        audit_record(
            actor=actor,
            action="satisfaction.template_version",
            target=version,
            summary=f"{template.name} v{version.number}",
        )
    return version


# ---------------------------------------------------------------- answers


@dataclass(frozen=True)
class AnswerInput:
    """What a customer or a staff member entered: `scores` maps "e<question id>" (expectation)
    and "p<question id>" (performance) to a score, plus "overall" and "nps"; values may be
    strings as posted. Missing or out-of-range values are field errors under the same keys."""

    scores: Mapping[str, object]
    comment: str = ""


@dataclass(frozen=True)
class _Cleaned:
    items: list[tuple[Question, int, int]]
    overall: int
    nps: int


def _score(
    raw: object, *, name: str, low: int, high: int, errors: dict[str, list[str]]
) -> int | None:
    if raw is None or raw == "":
        errors[name] = [_("Choose a score.")]
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        errors[name] = [_("A whole number, please.")]
        return None
    if not low <= value <= high:
        errors[name] = [_("Between %(low)s and %(high)s.") % {"low": low, "high": high}]
        return None
    return value


def version_questions(*, version: SurveyVersion) -> list[Question]:
    return list(
        Question.objects.filter(factor__version=version)
        .select_related("factor")
        .order_by("factor__sort_order", "factor_id", "sort_order", "id")
    )


def _clean(version: SurveyVersion, questions: list[Question], answers: AnswerInput) -> _Cleaned:
    errors: dict[str, list[str]] = {}
    top = version.scale_max
    items: list[tuple[Question, int, int]] = []
    for q in questions:
        performance = _score(
            answers.scores.get(f"p{q.pk}"), name=f"p{q.pk}", low=1, high=top, errors=errors
        )
        if q.asks_expectation:
            expectation = _score(
                answers.scores.get(f"e{q.pk}"), name=f"e{q.pk}", low=1, high=top, errors=errors
            )
        else:
            expectation = q.factor.baseline
        if performance is not None and expectation is not None:
            items.append((q, expectation, performance))
    overall = _score(answers.scores.get("overall"), name="overall", low=1, high=top, errors=errors)
    nps = _score(answers.scores.get("nps"), name="nps", low=0, high=10, errors=errors)
    if len(answers.comment) > COMMENT_LIMIT:
        errors["comment"] = [_("At most 2,000 characters.")]
    if errors or overall is None or nps is None:
        raise ValidationFailed(field_errors=errors)
    return _Cleaned(items=items, overall=overall, nps=nps)


def month_of(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date().replace(day=1)


@dataclass(frozen=True)
class ResponseNew:
    version: SurveyVersion
    kind: str
    source: str
    customer: Customer | None
    consultant: User | None
    department_id: int | None
    answered_at: dt.datetime
    items: Sequence[tuple[Factor, Question | None, int, int]]
    overall: int | None
    nps: int | None
    comment: str = ""
    recorded_by: User | None = None
    import_batch_id: int | None = None


def _response_store(new: ResponseNew) -> SurveyResponse:
    """One response with its items, in the caller's transaction."""
    gaps = [performance - expectation for _f, _q, expectation, performance in new.items]
    month = month_of(new.answered_at)
    response = SurveyResponse.objects.create(
        **dataclass_values(new, exclude=("items", "comment")),
        month=month,
        satisfaction=(Decimal(sum(gaps)) / len(gaps)).quantize(Decimal("0.01")) if gaps else None,
        comment=new.comment.strip(),
    )
    AnswerItem.objects.bulk_create(
        AnswerItem(
            response=response,
            factor=factor,
            factor_code=factor.code,
            question=question,
            expectation=expectation,
            performance=performance,
            gap=performance - expectation,
            consultant=new.consultant,
            department_id=new.department_id,
            month=month,
            source=new.source,
        )
        for factor, question, expectation, performance in new.items
    )
    return response


def _manager_of(user: User | None) -> User | None:
    """Whom the consultant reports to, else their department's manager (active, not them)."""
    if user is None:
        return None
    boss = user.reports_to if user.reports_to_id is not None else None
    if boss is not None and boss.is_active:
        return boss
    department = user.department
    manager = department.manager if department is not None else None
    if manager is not None and manager.is_active and manager.pk != user.pk:
        return manager
    return None


def low_score_handle(*, response: SurveyResponse) -> CareTask | None:
    """A recovery task for the consultant's manager at once (SAT-3, seed 003 §3.3.1: 如果在内调中
    发现客户不满，及时跟进处理), then the `low_score` hook (complaints wire in there)."""
    task = None
    if response.customer is not None:
        consultant = response.consultant
        manager = _manager_of(consultant)
        if manager is not None or response.department_id is not None:
            task = care_task_create(
                new=CareTaskNew(
                    customer=response.customer,
                    title=_("Low satisfaction score %(score)s: recovery call")
                    % {"score": response.overall},
                    due_at=timezone.now() + dt.timedelta(hours=4),
                    kind=CareTask.Kind.VISIT,
                    assignee=manager,
                    department_id=None if manager else response.department_id,
                    supervisor=None,
                    notes=response.comment[:500],
                )
            )
    hooks.low_score.call_all(response=response, task=task)
    return task


def _after_store(response: SurveyResponse, version: SurveyVersion) -> None:
    if response.overall is not None and response.overall < version.low_threshold:
        low_score_handle(response=response)
    if response.customer is not None:
        timeline_add(
            customer=response.customer,
            kind="satisfaction",
            title=_("Satisfaction survey answered: %(score)s/%(top)s")
            % {"score": response.overall, "top": version.scale_max},
            ref=response,
            data={"satisfaction": str(response.satisfaction), "nps": response.nps},
        )


def _who_for(customer: Customer) -> tuple[User | None, int | None]:
    owner = customer.owner if customer.owner_id else None
    department_id = owner.department_id if owner is not None else customer.department_id
    return owner, department_id


def response_record(
    *, actor: User, customer_id: int, template_id: int, answers: AnswerInput, kind: str = "staff"
) -> SurveyResponse:
    """Answers a staff member fills in with the customer on a 回访 or a visit (internal)."""
    if not user_can(user=actor, permission=permissions.COLLECT):
        raise PermissionDenied()
    customer = found(
        Customer.objects.visible_to(actor).select_related("owner").filter(pk=customer_id).first()
    )
    template = found(SurveyTemplate.objects.filter(pk=template_id, active=True).first())
    version = current_version(template=template)
    cleaned = _clean(version, version_questions(version=version), answers)
    consultant, department_id = _who_for(customer)
    with transaction.atomic():
        response = _response_store(
            ResponseNew(
                version=version,
                kind=SurveyResponse.Kind.STAFF,
                source=Source.INTERNAL,
                customer=customer,
                consultant=consultant,
                department_id=department_id,
                answered_at=timezone.now(),
                items=[(q.factor, q, e, p) for q, e, p in cleaned.items],
                overall=cleaned.overall,
                nps=cleaned.nps,
                comment=answers.comment,
                recorded_by=actor,
            )
        )
        _after_store(response, version)
    return response


# ---------------------------------------------------------------- one-time links


@dataclass(frozen=True)
class NewLink:
    link: SurveyLink
    token: str

    @property
    def url(self) -> str:
        return settings.GUANXI_SITE_URL + reverse("satisfaction:answer", args=[self.token])


def survey_link_create(
    *, actor: User, customer_id: int, template_id: int, days: int = LINK_DAYS
) -> NewLink:
    """A one-time link for the customer (no login): only the token's hash is stored."""
    if not user_can(user=actor, permission=permissions.COLLECT):
        raise PermissionDenied()
    customer = found(
        Customer.objects.visible_to(actor).select_related("owner").filter(pk=customer_id).first()
    )
    if customer.deleted_at is not None:
        raise ValidationFailed(_("The customer was deleted."))
    template = found(SurveyTemplate.objects.filter(pk=template_id, active=True).first())
    if not 1 <= days <= 90:
        raise ValidationFailed(field_errors={"days": [_("Between 1 and 90 days.")]})
    return _link_make(customer=customer, template=template, actor=actor, days=days)


def _link_make(
    *, customer: Customer, template: SurveyTemplate, actor: User | None, days: int
) -> NewLink:
    token = secrets.token_urlsafe(24)
    link = SurveyLink.objects.create(
        token_hash=token_digest(token),
        version=current_version(template=template),
        customer=customer,
        consultant=customer.owner if customer.owner_id else None,
        created_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return NewLink(link=link, token=token)


def _link_message_body(url: str) -> str:
    return _(
        "{{ customer.surname }}{{ customer.title }}您好，感谢您选择我们！"
        "请花两分钟为我们的服务打分：%(url)s"
    ) % {"url": url}


def _reachable_channel(customer: Customer) -> str:
    """SMS if the customer has a mobile number, else e-mail if an address, else ""."""
    return Channel.SMS if customer.mobile else (Channel.EMAIL if customer.email else "")


def _link_queue(
    *,
    new: NewLink,
    channel: str,
    subject: str,
    body: str,
    sender: User | None = None,
    dedup_key: str | None = None,
    complaint: Complaint | None = None,
) -> None:
    """Queue the link's text to its customer through care's messages (the subject only by
    e-mail) and tie the message, and the complaint it confirms if any, to the link: every
    way a link is sent goes through here."""
    message = message_queue(
        new=MessageNew(
            customer=new.link.customer,
            template=None,
            sender=sender,
            channel=channel,
            purpose=Purpose.SERVICE,
            subject=subject if channel == Channel.EMAIL else "",
            body=body,
            dedup_key=dedup_key,
        )
    )
    SurveyLink.objects.filter(pk=new.link.pk).update(message_id=message.pk, complaint=complaint)
    new.link.complaint = complaint


def survey_link_send(
    *, actor: User, customer_id: int, template_id: int, channel: str = Channel.SMS
) -> NewLink:
    """A new link, queued to the customer through care's messages (consent, unsubscribe and
    quiet hours are decided there when it is sent; nothing is sent from here)."""
    if channel not in (Channel.SMS, Channel.EMAIL):
        raise ValidationFailed(field_errors={"channel": [_("Choose SMS or e-mail.")]})
    with transaction.atomic():
        new = survey_link_create(actor=actor, customer_id=customer_id, template_id=template_id)
        _link_queue(
            new=new,
            channel=channel,
            subject=_("How did we do?"),
            body=_link_message_body(new.url),
            sender=actor,
        )
    return new


RULE_TOPIC = "satisfaction_after_delivery"  # the shipped care rule's 回访 topic (seed 003 §2)


def survey_link_for_task(*, task: CareTask) -> NewLink | None:
    """A care rule's satisfaction 回访 (topic `satisfaction_after_delivery`) set to be done
    online (channel web) sends the survey link at once: queued through care's messages by SMS,
    else e-mail (consent, quiet hours and unsubscribes are decided when it is sent). The task
    stays on its assignee's list to follow the answer up. Other tasks: None."""
    topic = task.topic
    if (
        topic is None
        or topic.code != RULE_TOPIC
        or task.channel != CareTask.Channel.WEB
        or task.origin != CareTask.Origin.RULE
    ):
        return None
    customer = task.customer
    template = SurveyTemplate.objects.filter(active=True).order_by("id").first()
    channel = _reachable_channel(customer)
    if template is None or not channel or customer.deleted_at is not None:
        return None
    new = _link_make(customer=customer, template=template, actor=None, days=LINK_DAYS)
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _("How did we do?"), _link_message_body(new.url)
    _link_queue(
        new=new, channel=channel, subject=subject, body=body, dedup_key=f"survey-task:{task.pk}"
    )
    return new


COMPLAINT_TEMPLATE = "complaint_followup"  # shipped by migration 0006 (CMP-3)


def _complaint_template() -> SurveyTemplate | None:
    """The complaint follow-up template if active, else the first active one."""
    templates = list(SurveyTemplate.objects.filter(active=True).order_by("id"))
    chosen = [t for t in templates if t.code == COMPLAINT_TEMPLATE] or templates
    return chosen[0] if chosen else None


def complaint_confirmation_send(*, complaint: Complaint) -> NewLink | None:
    """Closing a complaint asks the customer to confirm (CMP-3, 感谢 then 回访): a one-time link
    to the complaint follow-up survey, tied to the complaint so its page shows the answer,
    queued through care's messages by SMS, else e-mail (consent, quiet hours and unsubscribes
    are decided when it is sent). Once per closing; None when the customer cannot be reached
    or no survey is active. Runs in the closing transaction."""
    customer = complaint.customer
    template = _complaint_template()
    channel = _reachable_channel(customer)
    if template is None or not channel or customer.deleted_at is not None:
        return None
    dedup_key = f"complaint-confirm:{complaint.pk}:{complaint.reopened}"
    if SurveyLink.objects.filter(complaint=complaint, created_at__gte=complaint.closed_at).exists():
        return None
    new = _link_make(customer=customer, template=template, actor=None, days=LINK_DAYS)
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "{{ customer.surname }}{{ customer.title }}您好，您反映的问题已处理完毕。"
            "请确认处理结果并为我们打分：%(url)s"
        ) % {"url": new.url}
        subject = _("Your complaint: please confirm")
    _link_queue(
        new=new,
        channel=channel,
        subject=subject,
        body=body,
        dedup_key=dedup_key,
        complaint=complaint,
    )
    return new


def survey_link_renew(*, customer_id: int, link_id: int) -> NewLink:
    """The customer, signed in on the portal, opens one of their unanswered links: only the
    token's hash is stored, so the link gets a fresh token (the one sent before stops
    working; the link stays one-time and keeps its expiry and complaint). Another
    customer's link, an answered or an expired one: not found."""
    with transaction.atomic():
        link = found(
            SurveyLink.objects.select_for_update()
            .filter(
                pk=link_id,
                customer_id=customer_id,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )
        token = secrets.token_urlsafe(24)
        link.token_hash = token_digest(token)
        link.save(update_fields=["token_hash"])
    return NewLink(link=link, token=token)


def link_refusal(link: SurveyLink | None, now: dt.datetime) -> str:
    """ "" when the link can be answered, else why not: invalid, used or expired."""
    if link is None:
        return "invalid"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= now:
        return "expired"
    return ""


def survey_link_answer(*, token: str, answers: AnswerInput) -> SurveyResponse:
    """The customer's answers through a link: once, before it expires; a link used twice,
    expired or tampered with stores nothing."""
    now = timezone.now()
    with transaction.atomic():
        link = (
            SurveyLink.objects.select_for_update(of=("self",))
            .select_related("version", "customer", "consultant")
            .filter(token_hash=token_digest(token))
            .first()
        )
        refusal = link_refusal(link, now)
        if refusal or link is None:
            raise LinkRefused(code=refusal or "invalid")
        version = link.version
        cleaned = _clean(version, version_questions(version=version), answers)
        consultant = link.consultant
        department_id = consultant.department_id if consultant else link.customer.department_id
        response = _response_store(
            ResponseNew(
                version=version,
                kind=SurveyResponse.Kind.LINK,
                source=Source.INTERNAL,
                customer=link.customer,
                consultant=consultant,
                department_id=department_id,
                answered_at=now,
                items=[(q.factor, q, e, p) for q, e, p in cleaned.items],
                overall=cleaned.overall,
                nps=cleaned.nps,
                comment=answers.comment,
            )
        )
        link.used_at = now
        link.response = response
        link.save(update_fields=["used_at", "response"])
        _after_store(response, version)
    return response


def greeting_name(customer: Customer) -> str:
    """The only personal detail the survey page shows: the surname and 先生/女士 if known."""
    if customer.kind != "person":
        return ""
    title = {"M": "先生", "F": "女士"}.get(customer.gender or "", "")
    return f"{surname_of(customer.name)}{title}"
