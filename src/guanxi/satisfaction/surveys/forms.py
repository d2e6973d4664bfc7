"""Parsing the survey pages' posts into the services' inputs (SAT-1): the template editor's
rows into a VersionDraft, the answer form into an AnswerInput."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.care.models import Channel
from guanxi.satisfaction.surveys.selectors import FactorQuestions
from guanxi.satisfaction.surveys.services import (
    AnswerInput,
    FactorDraft,
    QuestionDraft,
    VersionDraft,
)

BLANK_QUESTIONS = 2  # empty question rows under each factor in the editor
BLANK_FACTORS = 1


def _int(value: str | None, default: int) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        return -1 if (value or "").strip() else default


def draft_from_post(post: QueryDict) -> VersionDraft:
    factors: list[FactorDraft] = []
    i = 0
    while f"f-{i}-code" in post and i < 50:
        code = post.get(f"f-{i}-code", "").strip()
        name = post.get(f"f-{i}-name", "").strip()
        questions: list[QuestionDraft] = []
        j = 0
        while f"f-{i}-q-{j}-text" in post and j < 100:
            text = post.get(f"f-{i}-q-{j}-text", "").strip()
            if text:
                questions.append(
                    QuestionDraft(
                        text=text,
                        text_en=post.get(f"f-{i}-q-{j}-text_en", ""),
                        asks_expectation=bool(post.get(f"f-{i}-q-{j}-exp")),
                    )
                )
            j += 1
        if code or name or questions:
            factors.append(
                FactorDraft(
                    code=code,
                    name=name,
                    name_en=post.get(f"f-{i}-name_en", ""),
                    baseline=_int(post.get(f"f-{i}-baseline"), 8),
                    questions=questions,
                )
            )
        i += 1
    return VersionDraft(
        factors=factors,
        low_threshold=_int(post.get("low_threshold"), 6),
        scale_max=_int(post.get("scale_max"), 10),
        intro=post.get("intro", ""),
        intro_en=post.get("intro_en", ""),
    )


def error_lines(field_errors: dict[str, list[Any]]) -> list[str]:
    """The editor's errors as readable lines ("Factor 2, question 1: …")."""
    lines: list[str] = []
    for key, messages in field_errors.items():
        parts = key.split(".")
        where = ""
        if parts[0] == "factors" and len(parts) > 1:
            where = _("Factor %(n)s") % {"n": int(parts[1]) + 1}
            if len(parts) > 3 and parts[2] == "questions":
                where += ", " + _("question %(n)s") % {"n": int(parts[3]) + 1}
            where += ": "
        lines.extend(f"{where}{m}" for m in messages)
    return lines


def editor_rows(factors: Iterable[tuple[Any, Iterable[Any]]]) -> list[dict[str, Any]]:
    """The editor's rows: each factor with its questions (of the version, or of a draft the
    service refused, shown again), then blank rows to add more."""
    blank_question = {"text": "", "text_en": "", "exp": True}
    rows: list[dict[str, Any]] = [
        {
            "code": f.code,
            "name": f.name,
            "name_en": f.name_en,
            "baseline": f.baseline,
            "questions": [
                {"text": q.text, "text_en": q.text_en, "exp": q.asks_expectation} for q in questions
            ]
            + [blank_question] * BLANK_QUESTIONS,
        }
        for f, questions in factors
    ]
    blank_factor = {"code": "", "name": "", "name_en": "", "baseline": 8}
    rows += [{**blank_factor, "questions": [blank_question] * 3}] * BLANK_FACTORS
    return rows


def answers_from_post(post: QueryDict) -> AnswerInput:
    scores = {
        key: post.get(key, "")
        for key in post
        if key in ("overall", "nps") or (key[:1] in "ep" and key[1:].isdigit())
    }
    return AnswerInput(scores=scores, comment=post.get("comment", ""))


class SendForm(forms.Form):
    template = forms.TypedChoiceField(label=gettext_lazy("Survey"), coerce=int)
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=[(Channel.SMS, gettext_lazy("SMS")), (Channel.EMAIL, gettext_lazy("E-mail"))],
    )

    def __init__(self, *args: Any, templates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        if isinstance(field, forms.TypedChoiceField):
            field.choices = [(t.pk, str(t)) for t in templates]


def score_options(scores: range, selected: object = "") -> SafeString:
    """A score select's <option>s, built here rather than by a template loop: the survey page
    has some 350 of them and must answer fast (p95 ≤ 30 ms)."""
    chosen = str(selected if selected is not None else "")
    parts = ['<option value="">—</option>']
    for score in scores:
        mark = " selected" if chosen == str(score) else ""
        parts.append(f'<option value="{score}"{mark}>{score}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - integers only


def question_rows(
    groups: list[FactorQuestions],
    *,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    english: bool,
    scores: range,
) -> list[dict[str, Any]]:
    """The answer form's rows: per factor, per question the two score fields with their
    options (the value posted before selected) and their errors."""
    blank = score_options(scores)

    def options(name: str) -> SafeString:
        return score_options(scores, values[name]) if values.get(name) not in (None, "") else blank

    rows = []
    for group in groups:
        f = group.factor
        rows.append(
            {
                "name": (f.name_en or f.name) if english else f.name,
                "baseline": f.baseline,
                "questions": [
                    {
                        "pk": q.pk,
                        "text": (q.text_en or q.text) if english else q.text,
                        "asks_expectation": q.asks_expectation,
                        "e": {
                            "name": f"e{q.pk}",
                            "options": options(f"e{q.pk}"),
                            "errors": errors.get(f"e{q.pk}", []),
                        },
                        "p": {
                            "name": f"p{q.pk}",
                            "options": options(f"p{q.pk}"),
                            "errors": errors.get(f"p{q.pk}", []),
                        },
                    }
                    for q in group.questions
                ],
            }
        )
    return rows
