"""The app's models, one module per area, all imported here so Django finds them."""

from guanxi.satisfaction.models.external import ExternalImport
from guanxi.satisfaction.models.plans import ActionPlan
from guanxi.satisfaction.models.surveys import (
    AnswerItem,
    Factor,
    Question,
    Source,
    SurveyLink,
    SurveyResponse,
    SurveyTemplate,
    SurveyVersion,
)

__all__ = [
    "ActionPlan",
    "AnswerItem",
    "ExternalImport",
    "Factor",
    "Question",
    "Source",
    "SurveyLink",
    "SurveyResponse",
    "SurveyTemplate",
    "SurveyVersion",
]
