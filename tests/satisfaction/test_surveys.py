"""Survey templates and answers (SAT-1, SAT-2): the shipped seed 003 template, versioning,
the formula, out-of-range answers, one-time link misuse, the survey page's queries."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.care.models import CareTask, CareTopic, Message
from guanxi.care.visits.services import CareTaskNew, care_task_create
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.satisfaction import hooks
from guanxi.satisfaction.models import AnswerItem, SurveyLink, SurveyResponse, SurveyVersion
from guanxi.satisfaction.surveys import services
from guanxi.satisfaction.surveys.services import (
    AnswerInput,
    FactorDraft,
    QuestionDraft,
    VersionDraft,
)
from tests.satisfaction.factories import answer, link, new_car, questions, scores

pytestmark = pytest.mark.django_db


def test_the_seed_003_survey_is_shipped_with_every_factor_and_question():
    """SAT-1: 开始购车经历, 交易过程, 交车过程 and the questions seed 003 §3 lists."""
    version = services.current_version(template=new_car())
    texts = {q.text for q in questions()}
    assert [f.name for f in version.factors.order_by("sort_order")] == [
        "开始购车经历",
        "交易过程",
        "交车过程",
    ]
    for text in (
        "第一次至销售服务店展厅，工作人员是否有及时出去迎接您？",
        "销售顾问是否有向您提供试乘试驾服务？服务体验如何？",
        "销售顾问对报价内容、付款方式及各种费用的解释和说明清楚明了吗？",
        "在销售过程中，承诺是否都兑现了？",
        "销售人员是否有介绍维修站点及维修站服务电话给您？",
        "议价过程令您愉快",
        "交车中对您的关注程度",
    ):
        assert text in texts
    assert len(texts) == 15


def test_satisfaction_is_performance_minus_expectation(relations, make_customer, sales1a):
    """SAT-3: 客户满意度=工作表现-客户期望, per item and averaged on the response."""
    customer = make_customer(sales1a)
    response = answer(relations, customer, expectation=9, performance=6, overall=7)
    items = list(AnswerItem.objects.filter(response=response))
    assert len(items) == 15
    assert {(i.expectation, i.performance, i.gap) for i in items} == {(9, 6, -3)}
    assert response.satisfaction == Decimal("-3.00")
    assert response.consultant == sales1a and response.department_id == sales1a.department_id
    assert items[0].month == timezone.localdate().replace(day=1)


def test_a_question_without_expectation_is_scored_against_the_factor_baseline(relations):
    template = new_car()
    draft = VersionDraft(
        factors=[
            FactorDraft(
                code="buying",
                name="开始购车经历",
                baseline=7,
                questions=[QuestionDraft(text="等候被接待的时间", asks_expectation=False)],
            )
        ]
    )
    version = services.survey_version_publish(actor=relations, template_id=template.pk, draft=draft)
    q = services.version_questions(version=version)[0]
    cleaned = services._clean(
        version, [q], AnswerInput(scores={f"p{q.pk}": 9, "overall": 8, "nps": 10})
    )
    assert cleaned.items == [(q, 7, 9)]


def test_editing_makes_a_new_version_and_old_answers_keep_theirs(relations, make_customer, sales1a):
    """SAT-1: templates are data; an edit publishes v2, v1's answers still point at v1."""
    customer = make_customer(sales1a)
    old = answer(relations, customer)
    template = new_car()
    draft = VersionDraft(
        factors=[
            FactorDraft(code="delivery", name="交车过程", questions=[QuestionDraft(text="新问题")])
        ],
        low_threshold=5,
    )
    v2 = services.survey_version_publish(actor=relations, template_id=template.pk, draft=draft)
    assert v2.number == 2
    old.refresh_from_db()
    assert old.version.number == 1
    assert AnswerItem.objects.filter(response=old).count() == 15
    assert services.current_version(template=template) == v2
    new_q = services.version_questions(version=v2)
    response = services.response_record(
        actor=relations,
        customer_id=customer.pk,
        template_id=template.pk,
        answers=AnswerInput(scores=scores(qs=new_q)),
    )
    assert response.version == v2 and response.items.count() == 1


def test_a_bad_edit_is_refused_with_field_errors_and_publishes_nothing(relations):
    template = new_car()
    bad = VersionDraft(
        factors=[
            FactorDraft(code="a b", name="", questions=[]),
            FactorDraft(code="x", name="X", questions=[QuestionDraft(text="")]),
        ],
        low_threshold=50,
    )
    with pytest.raises(ValidationFailed) as exc:
        services.survey_version_publish(actor=relations, template_id=template.pk, draft=bad)
    assert {"factors.0.code", "factors.0.name", "factors.0.questions", "low_threshold"} <= set(
        exc.value.field_errors
    )
    assert SurveyVersion.objects.filter(template=template).count() == 1


def test_only_survey_owners_edit_templates(manager, sales1a):
    draft = VersionDraft(factors=[FactorDraft(code="a", name="A", questions=[QuestionDraft("q")])])
    for user in (manager, sales1a):
        with pytest.raises(PermissionDenied):
            services.survey_version_publish(actor=user, template_id=new_car().pk, draft=draft)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("p", 11, "Between 1 and 10."), ("e", 0, "Between 1 and 10."), ("p", "x", "A whole number")],
)
def test_out_of_range_answers_are_field_errors_and_store_nothing(
    relations, make_customer, sales1a, field, value, message
):
    customer = make_customer(sales1a)
    values = scores()
    q = questions()[3]
    values[f"{field}{q.pk}"] = value
    values["nps"] = 11
    with pytest.raises(ValidationFailed) as exc, translation.override("en"):
        services.response_record(
            actor=relations,
            customer_id=customer.pk,
            template_id=new_car().pk,
            answers=AnswerInput(scores=values),
        )
    errors = exc.value.field_errors
    assert message in str(errors[f"{field}{q.pk}"][0])
    assert "nps" in errors
    assert not SurveyResponse.objects.exists() and not AnswerItem.objects.exists()


# ---------------------------------------------------------------- one-time links


def _post(client, token, values):
    return client.post(reverse("satisfaction:answer", args=[token]), values)


def test_a_link_answers_once_then_says_so_and_stores_nothing(
    client, relations, make_customer, sales1a
):
    """SAT-1: used twice → refused, nothing more stored."""
    customer = make_customer(sales1a, name="王小明", gender="M")
    new = link(relations, customer)
    page = client.get(reverse("satisfaction:answer", args=[new.token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "王先生" in html and str(sales1a.display_name or sales1a.username) in html
    assert "王小明" not in html and customer.mobile not in html
    assert _post(client, new.token, scores()).status_code == 200
    assert SurveyResponse.objects.count() == 1
    again = _post(client, new.token, scores())
    assert again.status_code == 410 and 'data-reason="used"' in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert client.get(reverse("satisfaction:answer", args=[new.token])).status_code == 410


def test_an_expired_link_says_so_and_stores_nothing(client, relations, make_customer, sales1a):
    new = link(relations, make_customer(sales1a))
    SurveyLink.objects.filter(pk=new.link.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = _post(client, new.token, scores())
    assert response.status_code == 410 and 'data-reason="expired"' in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_tampered_link_says_so_and_stores_nothing(client, relations, make_customer, sales1a):
    new = link(relations, make_customer(sales1a))
    tampered = new.token[:-2] + ("AA" if not new.token.endswith("AA") else "BB")
    response = _post(client, tampered, scores())
    assert response.status_code == 404 and 'data-reason="invalid"' in response.content.decode()
    assert not SurveyResponse.objects.exists()
    with pytest.raises(services.LinkRefused):
        services.survey_link_answer(token=tampered, answers=AnswerInput(scores=scores()))


def test_out_of_range_on_the_link_page_shows_field_errors_and_keeps_the_link(
    client, relations, make_customer, sales1a
):
    new = link(relations, make_customer(sales1a))
    values = scores()
    values["overall"] = 99
    response = _post(client, new.token, values)
    assert response.status_code == 422
    assert "应在 1 到 10 之间。" in response.content.decode()  # the customer's language, zh first
    assert not SurveyResponse.objects.exists()
    assert SurveyLink.objects.get(pk=new.link.pk).used_at is None


def test_only_the_token_hash_is_stored(relations, make_customer, sales1a):
    new = link(relations, make_customer(sales1a))
    stored = SurveyLink.objects.get(pk=new.link.pk)
    assert (
        new.token not in stored.token_hash
        and stored.token_hash == hashlib.sha256(new.token.encode()).hexdigest()
    )


def test_the_survey_page_takes_few_queries(
    client, relations, make_customer, sales1a, django_assert_max_num_queries
):
    """The page a customer opens: the link (with version, customer, consultant) and the
    questions — session-less, p95 target 30 ms (bench/satisfaction_report.py --page)."""
    new = link(relations, make_customer(sales1a))
    url = reverse("satisfaction:answer", args=[new.token])
    client.get(url)
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200


def test_sending_a_link_queues_a_message_through_care(relations, make_customer, sales1a):
    """SAT-1: by hand, through care's messages (consent and quiet hours apply there)."""
    customer = make_customer(sales1a)
    new = services.survey_link_send(
        actor=relations, customer_id=customer.pk, template_id=new_car().pk, channel="sms"
    )
    message = Message.objects.get(customer=customer)
    assert new.url in message.body and message.status == Message.Status.QUEUED
    assert SurveyLink.objects.get(pk=new.link.pk).message_id == message.pk


def test_a_consultant_may_not_collect_answers(sales1a, make_customer):
    customer = make_customer(sales1a)
    with pytest.raises(PermissionDenied):
        answer(sales1a, customer)
    with pytest.raises(PermissionDenied):
        link(sales1a, customer)


# ---------------------------------------------------------------- low scores


def test_a_low_score_opens_a_recovery_task_for_the_managers_and_calls_the_hook(
    relations, make_customer, sales1a, manager
):
    """SAT-3: below the template's threshold → at once a task for the consultant's manager,
    and the `low_score` hook (the complaint side wires in there)."""
    seen = []

    def listener(*, response, task, **kwargs):
        seen.append((response.pk, task.pk if task else None))

    hooks.low_score.register(listener)
    try:
        customer = make_customer(sales1a)
        fine = answer(relations, customer, overall=6)
        assert not CareTask.objects.filter(customer=customer).exists()
        low = answer(relations, customer, overall=3)
    finally:
        hooks.low_score._callbacks.remove(listener)
    task = CareTask.objects.get(customer=customer)
    assert task.assignee == manager and task.status == CareTask.Status.OPEN
    assert "3" in task.title
    assert seen == [(low.pk, task.pk)]
    assert fine.pk != low.pk


# ---------------------------------------------------------------- by a care rule


def _rule_task(customer, relations, channel):
    return care_task_create(
        new=CareTaskNew(
            customer=customer,
            title="请成交客户填写新车客户满意度评价表",
            due_at=timezone.now() + dt.timedelta(days=1),
            assignee=relations,
            topic=CareTopic.objects.get(code="satisfaction_after_delivery"),
            origin=CareTask.Origin.RULE,
            channel=channel,
        )
    )


def test_the_care_rules_online_satisfaction_visit_sends_the_link(relations, make_customer, sales1a):
    """SAT-1 by a care rule: the shipped touch point's 回访 set to be done online (web) queues
    the survey link through care's messages at once; by phone it stays a call."""
    customer = make_customer(sales1a)
    _rule_task(customer, relations, CareTask.Channel.PHONE)
    assert not Message.objects.filter(customer=customer).exists()
    task = _rule_task(customer, relations, CareTask.Channel.WEB)
    message = Message.objects.get(customer=customer)
    link = SurveyLink.objects.get(customer=customer)
    assert link.message_id == message.pk and "/satisfaction/s/" in message.body
    assert message.dedup_key == f"survey-task:{task.pk}"
