"""Reads of the stage administration page."""

from guanxi.pipeline.models import Stage
from guanxi.pipeline.stages.guidance import FIELDS, GUIDANCE_SETS


def stages_for_admin() -> list[Stage]:
    return list(Stage.objects.order_by("order"))


def guidance_set_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (label, _rows) in GUIDANCE_SETS.items()]


def guidance_set_current(*, stages: list[Stage]) -> str | None:
    """The shipped set the stages' text equals, None when an administrator edited it."""
    for key, (_label, rows) in GUIDANCE_SETS.items():
        if all(
            (getattr(stage, field), getattr(stage, f"{field}_en")) == rows[stage.code][field]
            for stage in stages
            if stage.code in rows
            for field in FIELDS
        ):
            return key
    return None
