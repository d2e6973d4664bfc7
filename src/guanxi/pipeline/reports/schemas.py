"""Response shapes of the funnel API."""

import datetime as dt

from ninja import Schema

from guanxi.core.schemas import Money
from guanxi.pipeline.schemas import StageRefOf


class FunnelRowOut(Schema):
    stage: StageRefOf
    reached: int
    amount: Money
    conversion: float | None
    median_days: float | None


class FunnelOut(Schema):
    start: dt.date
    end: dt.date
    rows: list[FunnelRowOut]
    refused: list[FunnelRowOut]
    moves: int
