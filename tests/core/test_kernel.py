"""The shared kernel's errors, form helper, schema types and htmx check (issue 10)."""

import datetime as dt
import json
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.test import RequestFactory

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.core.forms import form_add_errors, time_field
from guanxi.core.http import is_htmx
from guanxi.core.schemas import Money, RefOf, Schema


def test_domain_errors_are_djangos():
    assert isinstance(NotFound(), Http404)
    assert isinstance(PermissionDenied(), DjangoPermissionDenied)


class _Form(forms.Form):
    title = forms.CharField(required=False)


def test_form_add_errors_places_field_and_other_messages():
    form = _Form(data={})
    assert form.is_valid()
    kept = form_add_errors(
        form,
        ValidationFailed(
            field_errors={"title": ["too long"], "items.0.quantity": ["bad"], "x": ["other"]}
        ),
        elsewhere=["items"],
    )
    assert form.errors["title"] == ["too long"]
    assert form.non_field_errors() == ["other"]
    assert kept == {"items.0.quantity": ["bad"]}


def test_form_add_errors_without_fields_shows_the_message():
    form = _Form(data={})
    form.is_valid()
    form_add_errors(form, ValidationFailed("refused"))
    assert form.non_field_errors() == ["refused"]


class _Owner:
    pk = 7

    def __str__(self):
        return "张三"


class _Out(Schema):
    owner: RefOf | None
    amount: Money


class _QuietForm(forms.Form):
    quiet_from = time_field("quiet from")


def test_time_field_is_an_optional_time_in_the_browsers_picker():
    assert 'type="time"' in str(_QuietForm()["quiet_from"])
    empty = _QuietForm(data={"quiet_from": ""})
    assert empty.is_valid()
    assert empty.cleaned_data["quiet_from"] is None
    given = _QuietForm(data={"quiet_from": "22:30"})
    assert given.is_valid()
    assert given.cleaned_data["quiet_from"] == dt.time(22, 30)
    assert not _QuietForm(data={"quiet_from": "25:00"}).is_valid()


def test_money_and_ref_schema_types():
    out = _Out.model_validate({"owner": _Owner(), "amount": Decimal("12345.6")})
    assert json.loads(out.model_dump_json()) == {
        "owner": {"id": 7, "name": "张三"},
        "amount": "12345.60",
    }
    assert _Out.model_validate({"owner": None, "amount": 1}).owner is None


def test_is_htmx():
    factory = RequestFactory()
    assert is_htmx(factory.get("/", headers={"HX-Request": "true"}))
    assert not is_htmx(factory.get("/"))
