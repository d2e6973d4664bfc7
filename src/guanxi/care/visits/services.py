"""Writes of 回访 and care tasks (CARE-1). Other areas create tasks only through
`care_task_create`, so every task lands on the timeline and the assignee's work list alike."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.care.models import CareRule, CareTask, CareTopic
from guanxi.core.errors import invalid_field
from guanxi.customers.archive.services import timeline_add
from guanxi.customers.models import Customer


@dataclass(frozen=True)
class CareTaskNew:
    """What a new care task needs; `assignee` None with a `department` is a department's queue."""

    customer: Customer
    title: str
    due_at: dt.datetime
    kind: str = CareTask.Kind.VISIT
    channel: str = CareTask.Channel.PHONE
    assignee: User | None = None
    department_id: int | None = None
    supervisor: User | None = None
    topic: CareTopic | None = None
    origin: str = CareTask.Origin.MANUAL
    rule: CareRule | None = None
    parent: CareTask | None = None


@transaction.atomic
def care_task_create(*, new: CareTaskNew, actor: User | None = None) -> CareTask:
    title = new.title.strip()
    if not title:
        raise invalid_field("title", _("Give the task a title."))
    if new.assignee is None and new.department_id is None:
        raise invalid_field("assignee", _("Choose who does the task, or a department's queue."))
    department_id = new.department_id
    if new.assignee is not None and department_id is None:
        department_id = new.assignee.department_id
    task = CareTask.objects.create(
        customer=new.customer,
        kind=new.kind,
        channel=new.channel,
        title=title[:200],
        due_at=new.due_at,
        assignee=new.assignee,
        department_id=department_id,
        supervisor=new.supervisor,
        topic=new.topic,
        origin=new.origin,
        rule=new.rule,
        parent=new.parent,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    timeline_add(
        customer=new.customer,
        kind="care_task",
        title=title,
        actor=actor,
        ref=task,
        data={"kind": task.kind, "due_at": task.due_at.isoformat(), "status": task.status},
    )
    return task
