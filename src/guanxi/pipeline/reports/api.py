"""/api/v1/funnel: the funnel of the caller's data scope."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from guanxi.core.errors import invalid_field
from guanxi.core.schemas import QueryId
from guanxi.pipeline.reports import selectors
from guanxi.pipeline.reports.schemas import FunnelOut

router = Router(tags=["pipeline"])


class FunnelQuery(Schema):
    start: dt.date | None = Field(None, description="Default: 1 January of this year")
    end: dt.date | None = Field(None, description="Default: today")
    source: QueryId | None = None
    owner: QueryId | None = None


@router.get(
    "/funnel",
    response=FunnelOut,
    summary="Funnel: reached, conversion, median days",
    operation_id="guanxi_pipeline_api_funnel_view",
)
def funnel_view(request, query: Query[FunnelQuery]):
    default_start, default_end = selectors.default_period(today=timezone.localdate())
    start, end = query.start or default_start, query.end or default_end
    if start > end:
        raise invalid_field("end", _("The end is before the start."))
    if (end - start).days > 366 * 5:
        raise invalid_field("start", _("Choose a period of at most 5 years."))
    return selectors.funnel_figures(
        user=request.auth, start=start, end=end, source=query.source, owner=query.owner
    )
