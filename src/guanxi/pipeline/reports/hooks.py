"""What higher apps tell the pipeline's reports. `monthly_targets(user_ids=, month=)`: a
callback returns {user id: target amount} for the month starting on `month` (the sales
app's signed-amount targets); the team page shows them next to the forecast."""

import datetime as dt
from decimal import Decimal

from guanxi.core.hooks import Hook

monthly_targets = Hook("pipeline_monthly_targets")


def targets_for(*, user_ids: list[int], month: dt.date) -> dict[int, Decimal]:
    targets: dict[int, Decimal] = {}
    for answer in monthly_targets.call_all(user_ids=user_ids, month=month):
        for user_id, value in (answer or {}).items():
            targets[user_id] = targets.get(user_id, Decimal("0.00")) + value
    return targets
