"""Response shapes of the script library API."""

from ninja import Field, Schema

from guanxi.pipeline.schemas import StageRefOf


class ScriptOut(Schema):
    id: int
    title: str
    body: str
    objection_type: str
    stage: StageRefOf | None
    use_count: int
    helpful_count: int = Field(description="Users who voted it helpful (one vote per user)")
    unhelpful_count: int = Field(description="Users who voted it not helpful")
