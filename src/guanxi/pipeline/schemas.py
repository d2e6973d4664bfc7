"""Schema types the pipeline's API areas share: a stage as {code, name}, and stage, grade or
reason codes."""

from typing import Annotated, Any

from ninja import Field, Schema

from guanxi.core.schemas import ref_validator

Code = Annotated[str, Field(max_length=20)]


class StageRef(Schema):
    code: str
    name: str


def _stage_ref_dict(stage: Any) -> dict:
    return {"code": stage.code, "name": str(stage)}


# An output field that takes a Stage and answers {"code", "name"}.
StageRefOf = Annotated[StageRef, ref_validator(StageRef, _stage_ref_dict)]
