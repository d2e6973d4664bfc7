"""/api/v1/scripts: searching the script library."""

from typing import Annotated

from ninja import Field, Query, Router, Schema

from guanxi.pipeline.scripts import selectors
from guanxi.pipeline.scripts.schemas import ScriptOut

router = Router(tags=["pipeline"])


class ScriptQuery(Schema):
    q: Annotated[str, Field(max_length=selectors.QUERY_MAX)] = ""
    type: Annotated[str, Field(max_length=12)] = ""
    stage: Annotated[str, Field(max_length=10)] = ""
    limit: int = Field(selectors.SEARCH_LIMIT, ge=1, le=100)


@router.get(
    "/scripts",
    response=list[ScriptOut],
    tags=["scripts"],
    summary="Search the script library",
    operation_id="guanxi_pipeline_api_script_list",
)
def script_list(request, query: Query[ScriptQuery]):
    return selectors.script_search(
        q=query.q, objection_type=query.type, stage=query.stage, limit=query.limit
    )
