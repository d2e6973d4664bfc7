"""The fortnightly spot-check draw (CARE-3), enqueued by django-crontask's scheduler every
Monday at 07:00 in TIME_ZONE. A fortnight is drawn once per consultant (spot_checks_draw
skips a consultant who already has checks of it), so the Monday of the off week does
nothing, and neither does a second run of the same morning."""

from django.tasks import task

from guanxi.care.visits.services import spot_checks_draw
from guanxi.core.schedule import cron


@cron("0 7 * * Mon")
@task
def draw_spot_checks() -> dict[str, object]:
    result = spot_checks_draw()
    return {
        "period_start": result.period_start.isoformat(),
        "created": result.created,
        "consultants": result.consultants,
    }
