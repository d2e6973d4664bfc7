"""The form renderer builds the stock widgets' markup in Python (issue 13): byte for byte what
Django's templates render, for every kind of value, attribute and option."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from guanxi.core import form_renderer
from guanxi.core.form_renderer import FastWidgetRenderer


class Everything(forms.Form):
    choice = forms.ChoiceField(
        required=False,
        choices=[
            ("", "---------"),
            ("x", 'X <b>&"'),
            ("group", [("1", "one"), (2, mark_safe("<i>two</i>"))]),
            (3, gettext_lazy("Customers")),
        ],
    )
    many = forms.MultipleChoiceField(required=False, choices=[(1, 1.5), (2, "b"), (3, "c")])
    text = forms.CharField(max_length=10, widget=forms.TextInput(attrs={"data-x": '"q" <a>'}))
    area = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField()
    flag = forms.BooleanField(required=False)
    hidden = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.DecimalField(max_digits=12, decimal_places=2)
    mail = forms.EmailField(disabled=True)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )


BOUND = {
    "choice": "2",
    "many": ["1", "3"],
    "text": "<script>&amp;",
    "area": "line 1\n<b>line 2</b>",
    "day": "2026-01-02",
    "moment": "2026-01-02 03:04",
    "flag": "on",
    "hidden": "12",
    "amount": "1234.50",
    "mail": "a@b.c",
    "secret": 'p"w',
    "radio": "b",
    "boxes": ["a"],
}
INITIAL = {"day": dt.date(2026, 3, 4), "amount": Decimal("1234567.8"), "flag": True}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", ["unbound", "initial", "bound", "invalid"])
def test_fast_renderer_matches_the_templates(case, language):
    data = {"unbound": None, "initial": None, "bound": BOUND, "invalid": {"choice": "nope"}}[case]
    initial = INITIAL if case == "initial" else None
    with override(language):
        for name in Everything.base_fields:
            expected = str(Everything(data, initial=initial, renderer=DjangoTemplates())[name])
            built = str(Everything(data, initial=initial, renderer=FastWidgetRenderer())[name])
            assert built == expected, name


def test_it_is_the_project_renderer_and_skips_the_templates(monkeypatch):
    assert settings.FORM_RENDERER == "guanxi.core.form_renderer.FastWidgetRenderer"
    renderer = get_default_renderer()
    assert isinstance(renderer, FastWidgetRenderer)
    used = []
    monkeypatch.setattr(
        DjangoTemplates, "render", lambda self, name, *a, **k: used.append(name) or ""
    )
    form = Everything(BOUND)
    for name in ("choice", "many", "text", "area", "day", "flag", "hidden"):
        str(form[name])
    assert used == []
    str(form["radio"])  # not one of the built widgets: through the templates
    assert used == ["django/forms/widgets/radio.html"]


def test_an_overridden_widget_template_is_respected(monkeypatch):
    monkeypatch.setattr(form_renderer, "_STOCK_DIR", form_renderer._STOCK_DIR / "elsewhere")
    form_renderer._all_stock.cache_clear()
    try:
        renderer = FastWidgetRenderer()
        used = []
        original = DjangoTemplates.render

        def spy(self, name, *args, **kwargs):
            used.append(name)
            return original(self, name, *args, **kwargs)

        monkeypatch.setattr(DjangoTemplates, "render", spy)
        str(Everything(renderer=renderer)["choice"])
        assert used == ["django/forms/widgets/select.html"]
    finally:
        form_renderer._all_stock.cache_clear()
