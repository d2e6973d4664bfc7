"""回访 services (CARE-1): each transition, and bad input that changes nothing."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from guanxi.care.models import CareTask, CareTopic
from guanxi.care.visits import services
from guanxi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.customers.models import TimelineEvent
from tests.care.factories import CareTopicFactory, do_visit, make_visit

pytestmark = pytest.mark.django_db


def _state(task):
    task.refresh_from_db()
    return (task.status, task.outcome, task.answers, task.score, task.notes, task.done_at)


@pytest.fixture
def topic():
    return CareTopicFactory()


@pytest.fixture
def customer(sales1a, make_customer):
    return make_customer(sales1a, name="回访客户")


def test_a_consultant_plans_a_visit_for_their_own_customer(sales1a, customer, topic):
    task = make_visit(sales1a, customer, topic=topic)
    assert task.assignee == sales1a
    assert task.department_id == sales1a.department_id
    assert task.title == topic.name
    assert task.status == CareTask.Status.OPEN
    event = TimelineEvent.objects.get(customer=customer, kind="care_task")
    assert event.ref_id == str(task.pk)


def test_a_visit_for_a_customer_out_of_scope_is_refused(sales1b, customer):
    with pytest.raises(ValidationFailed) as exc:
        make_visit(sales1b, customer)
    assert "customer_id" in exc.value.field_errors
    assert not CareTask.objects.exists()


def test_only_task_others_plans_for_someone_else(sales1a, relations, customer):
    with pytest.raises(ValidationFailed) as exc:
        make_visit(sales1a, customer, assignee=relations)
    assert "assignee_id" in exc.value.field_errors
    task = make_visit(relations, customer, assignee=sales1a)
    assert task.assignee == sales1a


def test_bad_input_names_every_field_and_creates_nothing(sales1a, customer):
    with pytest.raises(ValidationFailed) as exc:
        services.care_visit_create(
            actor=sales1a,
            new=services.VisitNew(
                customer_id=customer.pk,
                topic_id=999999,
                channel="fax",
                due_at=timezone.now() + dt.timedelta(days=800),
                notes="x" * 4001,
            ),
        )
    assert set(exc.value.field_errors) == {"topic_id", "channel", "due_at", "notes"}
    assert not CareTask.objects.exists()
    assert not TimelineEvent.objects.filter(kind__startswith="care_").exists()


def test_do_records_the_outcome_and_closes(relations, customer, topic):
    task = make_visit(relations, customer, topic=topic)
    do_visit(relations, task, answers={"happy": "满意"}, score=9, notes="一切顺利")
    task.refresh_from_db()
    assert task.status == CareTask.Status.DONE
    assert task.outcome == CareTask.Outcome.REACHED
    assert task.answers == {"happy": "满意"}
    assert task.score == 9
    assert task.done_by == relations and task.done_at is not None
    event = TimelineEvent.objects.get(customer=customer, kind="care_task_done")
    assert event.data["outcome"] == "reached"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": "reached"}, "score"),  # the topic is scored
        ({"outcome": "reached", "score": 11}, "score"),
        ({"outcome": "reached", "score": 8, "answers": {"nope": "x"}}, "answers"),
        ({"outcome": "unreachable", "answers": {"happy": "x"}}, "answers"),
        ({"outcome": "unreachable", "score": 5}, "score"),
        ({"outcome": "reached", "score": 8, "retry_at": timezone.now()}, "retry_at"),
        ({"outcome": "reached", "score": 8, "notes": "x" * 4001}, "notes"),
    ],
)
def test_a_bad_record_changes_nothing(relations, customer, topic, fields, field):
    task = make_visit(relations, customer, topic=topic)
    before = _state(task)
    with pytest.raises(ValidationFailed) as exc:
        services.care_visit_do(
            actor=relations, task_id=task.pk, record=services.VisitRecord(**fields)
        )
    assert field in exc.value.field_errors
    assert _state(task) == before
    assert not TimelineEvent.objects.filter(kind="care_task_done").exists()


def test_an_unscored_topic_takes_no_score(relations, customer):
    topic = CareTopicFactory(scored=False)
    task = make_visit(relations, customer, topic=topic)
    with pytest.raises(ValidationFailed) as exc:
        do_visit(relations, task, score=7)
    assert "score" in exc.value.field_errors
    do_visit(relations, task)
    assert CareTask.objects.get(pk=task.pk).score is None


def test_unreachable_with_a_retry_plans_the_next_attempt(relations, customer, topic):
    task = make_visit(relations, customer, topic=topic)
    retry = timezone.now() + dt.timedelta(days=1)
    do_visit(relations, task, outcome="unreachable", retry_at=retry)
    again = CareTask.objects.exclude(pk=task.pk).get()
    assert again.status == CareTask.Status.OPEN
    assert again.topic == topic and again.assignee == relations
    assert abs((again.due_at - retry).total_seconds()) < 1


def test_a_closed_visit_is_not_done_again(relations, customer, topic):
    task = make_visit(relations, customer, topic=topic)
    do_visit(relations, task, score=8)
    with pytest.raises(Conflict):
        do_visit(relations, task, outcome="refused")
    assert CareTask.objects.get(pk=task.pk).outcome == "reached"


def test_someone_elses_task_needs_task_others(sales1a, sales1b, relations, customer):
    task = make_visit(relations, customer, assignee=sales1a)
    with pytest.raises(NotFound):
        do_visit(sales1b, task, outcome="refused")
    do_visit(sales1a, task, outcome="refused")  # their own
    other = make_visit(relations, customer)
    with pytest.raises(NotFound):
        do_visit(sales1a, other, outcome="refused")


def test_close_cancels_with_a_reason(relations, customer):
    task = make_visit(relations, customer)
    with pytest.raises(ValidationFailed) as exc:
        services.care_task_close(actor=relations, task_id=task.pk, resolution="cancelled")
    assert "note" in exc.value.field_errors
    with pytest.raises(ValidationFailed) as exc:
        services.care_task_close(actor=relations, task_id=task.pk, resolution="done", note="x")
    assert "resolution" in exc.value.field_errors
    assert CareTask.objects.get(pk=task.pk).status == CareTask.Status.OPEN
    services.care_task_close(
        actor=relations, task_id=task.pk, resolution="cancelled", note="客户已退车"
    )
    task.refresh_from_db()
    assert task.status == CareTask.Status.CANCELLED and "客户已退车" in task.notes
    assert TimelineEvent.objects.filter(kind="care_task_closed", customer=customer).exists()


def test_track_raises_an_action_for_an_owner(relations, sales1a, customer, topic):
    task = make_visit(relations, customer, topic=topic)
    new = services.TrackNew(
        title="客户反映发票未到",
        assignee_id=sales1a.pk,
        due_at=timezone.now() + dt.timedelta(days=2),
    )
    with pytest.raises(Conflict):
        services.care_visit_track(actor=relations, task_id=task.pk, new=new)
    do_visit(relations, task, score=6)
    action = services.care_visit_track(actor=relations, task_id=task.pk, new=new)
    assert action.kind == CareTask.Kind.ACTION
    assert action.parent_id == task.pk and action.origin == CareTask.Origin.TRACK
    assert action.assignee == sales1a and action.department_id == sales1a.department_id
    # the owner closes the action as done
    services.care_task_close(actor=sales1a, task_id=action.pk, resolution="done")
    assert CareTask.objects.get(pk=action.pk).status == CareTask.Status.DONE


def test_a_bad_track_creates_nothing(relations, customer, topic):
    task = make_visit(relations, customer, topic=topic)
    do_visit(relations, task, score=6)
    with pytest.raises(ValidationFailed) as exc:
        services.care_visit_track(
            actor=relations,
            task_id=task.pk,
            new=services.TrackNew(title=" ", assignee_id=999999, due_at=None),
        )
    assert set(exc.value.field_errors) == {"title", "assignee_id", "due_at"}
    assert CareTask.objects.count() == 1


def test_reassign_needs_task_others_and_is_audited(sales1a, sales1b, relations, manager, customer):
    task = make_visit(sales1a, customer)
    with pytest.raises(PermissionDenied):
        services.care_task_reassign(actor=sales1a, task_id=task.pk, assignee_id=sales1b.pk)
    services.care_task_reassign(actor=manager, task_id=task.pk, assignee_id=sales1b.pk)
    task.refresh_from_db()
    assert task.assignee == sales1b and task.department_id == sales1b.department_id
    assert AuditLog.objects.filter(action="care.task_reassign").count() == 1
    with pytest.raises(ValidationFailed):
        services.care_task_reassign(actor=relations, task_id=task.pk, assignee_id=sales1b.pk)
    assert TimelineEvent.objects.filter(kind="care_task_reassigned").count() == 1


def test_the_database_holds_its_constraints(relations, customer):
    task = make_visit(relations, customer)
    for change in ({"score": 11}, {"title": ""}, {"status": "done"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CareTask.objects.filter(pk=task.pk).update(**change)


# ---------------------------------------------------------------- topics


def test_shipped_topics_have_questions_in_both_languages():
    shipped = {t.code: t for t in CareTopic.objects.all()}
    assert {"intention_48h", "delivery_24h_thanks", "delivery_72h", "first_service"} <= set(shipped)
    for topic in shipped.values():
        assert topic.name and topic.name_en and topic.questions
        assert all(q["key"] and q["text"] and q["text_en"] for q in topic.questions)


def test_topic_edits_keep_question_keys(relations, sales1a):
    data = services.TopicInput(
        code="after_repair",
        name="维修后回访",
        questions=[services.TopicQuestion(text="修好了吗?", text_en="Fixed?")],
    )
    with pytest.raises(PermissionDenied):
        services.care_topic_save(actor=sales1a, data=data)
    topic = services.care_topic_save(actor=relations, data=data)
    key = topic.questions[0]["key"]
    changed = services.TopicInput(
        code="after_repair",
        name="维修后回访",
        questions=[
            services.TopicQuestion(key=key, text="问题解决了吗?"),
            services.TopicQuestion(text="还有别的问题吗?"),
        ],
    )
    topic = services.care_topic_save(actor=relations, data=changed, topic_id=topic.pk)
    assert topic.questions[0]["key"] == key
    assert topic.questions[1]["key"] != key
    with pytest.raises(ValidationFailed) as exc:
        services.care_topic_save(
            actor=relations, data=services.TopicInput(code="after_repair", name="")
        )
    assert {"code", "name"} <= set(exc.value.field_errors)
