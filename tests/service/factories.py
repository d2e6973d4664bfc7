"""Complaints for tests, made through the services (routing, clocks and timeline as the
application makes them)."""

from guanxi.service.complaints import services
from guanxi.service.models import ComplaintCategory


def category(code: str = "service_quality") -> ComplaintCategory:
    return ComplaintCategory.objects.get(code=code)


def make_complaint(actor, customer, *, code="service_quality", channel="phone", at=None, **fields):
    """A complaint logged by `actor` for `customer` (routing rules apply)."""
    values = {
        "title": "服务态度差",
        "description": "客户来电投诉销售顾问态度不好",
        "severity": "normal",
    }
    values.update(fields)
    return services.complaint_create(
        actor=actor,
        at=at,
        new=services.NewComplaint(
            customer_id=customer.pk, channel=channel, category_id=category(code).pk, **values
        ),
    )


def walk(actor, complaint, *, to: int = 5):
    """Accept and take the complaint through its steps up to step `to` (1 接受 … 5 感谢)."""
    if complaint.step == 0:
        complaint = services.complaint_accept(actor=actor, complaint_id=complaint.pk, note="已受理")
    for kind in services.STEPS[complaint.step : to]:
        complaint = services.complaint_step(
            actor=actor, complaint_id=complaint.pk, step=kind, note=f"{kind} 完成"
        )
    return complaint
