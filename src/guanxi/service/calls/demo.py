"""Demo calls (SRV-3): a month of the call centre's work for the demo agents — inquiries,
complaints and after-sales calls from customers, and the wrong numbers, silent lines,
harassment and a threat the seed's scripts are for."""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.service.calls.services import CallInput, call_log
from guanxi.service.models import Call

NOTES = {
    Call.Type.INQUIRY: ["询问新车到店时间", "咨询保养套餐价格", "问试驾预约", "咨询贷款首付比例"],
    Call.Type.COMPLAINT: ["维修后异响仍在，客户不满", "等待交车超过约定时间", "对销售顾问态度不满"],
    Call.Type.AFTER_SALES: ["预约首保", "询问保险续保", "道路救援咨询", "更换轮胎预约"],
    Call.Type.WRONG_NUMBER: ["找出租车公司，已告知拨错"],
    Call.Type.SILENT: ["无声，按话术提示两次后挂机"],
    Call.Type.HARASSMENT: ["与业务无关的闲聊，提醒后挂机"],
    Call.Type.THREAT: ["言语威胁，已记录原话并报告主管"],
}
# How many of each kind a month brings (customers' calls far outnumber the rest).
MIX = {
    Call.Type.INQUIRY: 24,
    Call.Type.COMPLAINT: 8,
    Call.Type.AFTER_SALES: 14,
    Call.Type.WRONG_NUMBER: 4,
    Call.Type.SILENT: 4,
    Call.Type.HARASSMENT: 3,
    Call.Type.THREAT: 1,
}
FROM_CUSTOMERS = {Call.Type.INQUIRY, Call.Type.COMPLAINT, Call.Type.AFTER_SALES}


@dataclass
class CallDemoStats:
    counts: dict[str, int] = field(default_factory=dict)
    skipped: bool = False


def seed_calls_demo(*, seed: int = 2026, days: int = 30) -> CallDemoStats:
    """Calls of every type over the last `days` days, taken by the users who answer calls;
    customers' calls come from their mobiles and are linked to them. Not run twice."""
    stats = CallDemoStats()
    if Call.objects.exists():
        stats.skipped = True
        return stats
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible
    agents = list(User.objects.filter(username__in=["agent", "relations"], is_active=True))
    customers = list(
        Customer.objects.alive()
        .exclude(mobile="")
        .order_by("id")
        .only("id", "mobile", "name")[:200]
    )
    if not agents:
        return stats
    now = timezone.now()
    for call_type, count in MIX.items():
        for _index in range(count):
            agent = agents[0] if rng.random() < 0.75 else agents[-1]
            local_day = timezone.localdate() - dt.timedelta(days=rng.randrange(days))
            started = timezone.make_aware(
                dt.datetime.combine(local_day, dt.time(rng.randrange(9, 18), rng.randrange(60)))
            )
            started = min(started, now - dt.timedelta(minutes=5))
            customer = rng.choice(customers) if call_type in FROM_CUSTOMERS and customers else None
            number = customer.mobile if customer else f"+86139{rng.randrange(10**8):08d}"
            silent = call_type in {Call.Type.SILENT, Call.Type.WRONG_NUMBER}
            call_log(
                actor=agent,
                data=CallInput(
                    direction=Call.Direction.OUTBOUND
                    if call_type == Call.Type.AFTER_SALES and rng.random() < 0.3
                    else Call.Direction.INBOUND,
                    type=call_type,
                    number=number,
                    started_at=started,
                    duration_seconds=rng.randrange(15, 60) if silent else rng.randrange(60, 900),
                    notes=rng.choice(NOTES[call_type]),
                ),
                customer=customer,
            )
            stats.counts[call_type] = stats.counts.get(call_type, 0) + 1
    return stats
