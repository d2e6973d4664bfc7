"""Schema types the pipeline's API areas share: a stage as {code, name}, and stage, grade or
reason codes."""

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator

Code = Annotated[str, Field(max_length=20)]


class StageRef(Schema):
    code: str
    name: str


def _as_stage_ref(value: Any) -> Any:
    if value is None or isinstance(value, dict | StageRef):
        return value
    return {"code": value.code, "name": str(value)}


# An output field that takes a Stage and answers {"code", "name"}.
StageRefOf = Annotated[StageRef, BeforeValidator(_as_stage_ref)]
