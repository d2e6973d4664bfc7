"""A form a user opens and saves unchanged, as a browser does it, saves and changes nothing.

Each edit page's test builds the data the page edits (every field of its form filled),
then `save_unchanged` opens the page as a user who may edit it, reads the form as Chromium
would submit it (tests/browser_forms.py), checks that no constraint stops the browser,
posts exactly that back (CSRF checked, as htmx or as a plain form) and checks that the page
took it and that the records and the audit log show no change."""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import models
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from guanxi.accounts.models import User
from guanxi.core.crypto import decrypt
from guanxi.core.models import AuditLog
from tests.browser_forms import BrowserForm, read_form

LANGUAGES = ("zh-hans", "en")
# Changed by every save, whatever was saved.
VOLATILE = {"updated_at", "version"}

Records = Callable[[], object]


@dataclass(frozen=True)
class EditPage:
    """One edit page: who opens it, where, and what must stay as it is."""

    user: User
    url: str
    # what must not change: records (read again from the database), querysets, or a
    # function returning any comparable value
    records: Iterable[models.Model | models.QuerySet | Records]
    # which form of the page (tests/browser_forms.find_form); none: the one posting to itself
    form: Mapping[str, Any] = field(default_factory=dict)
    # what the user must type for the page to take the save (an amendment's reason)
    typed: Mapping[str, str] = field(default_factory=dict)
    submitter: str | None = None
    # a save in steps (a preview first): the buttons pressed on the pages the posts answer
    then: tuple[str, ...] = ()
    # the page is a panel loaded into another page by htmx
    panel: bool = False
    # the fields each record may change on every save (a counter, a stamp)
    volatile: frozenset[str] = frozenset()
    # what the page answers when a save changes nothing and it refuses that (an amendment)
    refusal: str | None = None


def row_state(record: models.Model, *, volatile: Iterable[str] = ()) -> dict[str, Any]:
    """A record's stored values, read again, without the ones every save changes."""
    skip = VOLATILE | set(volatile)
    fresh = type(record)._base_manager.get(pk=record.pk)
    return {
        f.attname: _comparable(f.attname, getattr(fresh, f.attname))
        for f in type(record)._meta.concrete_fields
        if f.name not in skip and f.attname not in skip
    }


def _comparable(name: str, value: Any) -> Any:
    if name.endswith("_encrypted") and value:
        return decrypt(value)  # encrypted anew on each save: the text is what counts
    if isinstance(value, Decimal):
        return value.normalize() if value == value.to_integral() else value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def state(page: EditPage) -> list[Any]:
    found: list[Any] = []
    for item in page.records:
        if isinstance(item, models.Model):
            found.append(row_state(item, volatile=page.volatile))
        elif isinstance(item, models.QuerySet):
            # rows a service may write anew on each save (a draft's lines): what they say
            # counts, in their order, not their ids
            volatile = {"id", *page.volatile}
            found.append([row_state(row, volatile=volatile) for row in item.order_by("pk")])
        else:
            found.append(item())
    return found


def differences(before: Any, after: Any, where: str = "") -> list[str]:
    """Where two states differ, as `place: before -> after`."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in before.keys() | after.keys():
            found += differences(before.get(key), after.get(key), f"{where}.{key}")
        return sorted(found)
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        found = []
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            found += differences(old, new, f"{where}[{index}]")
        return found
    return [] if before == after else [f"{where}: {before!r} -> {after!r}"]


def form_errors(response) -> list[str]:
    """The error messages of the forms (and formsets) the response rendered."""
    errors: list[str] = []
    seen: set[int] = set()
    contexts = response.context or []
    if hasattr(contexts, "flatten"):  # one template rendered: its context, not a list
        contexts = [contexts]
    for context in contexts:
        for value in context.flatten().values():
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, BaseForm) and value.is_bound and value.errors:
                errors += [str(m) for messages in value.errors.values() for m in messages]
            if isinstance(value, BaseFormSet) and value.is_bound and not value.is_valid():
                errors += [str(e) for e in [*value.errors, *value.non_form_errors()] if e]
    return errors


def refusals(response) -> list[str]:
    """The warnings and errors the response leaves for the next page (a redirect's refusal)."""
    return [
        str(message)
        for message in get_messages(response.wsgi_request)
        if message.level >= messages.WARNING
    ]


def changes_audited(since: int) -> list[dict]:
    """The field changes the audit rows written after `since` record."""
    found = []
    for row in AuditLog.objects.filter(pk__gt=since).order_by("pk"):
        changes = (row.detail or {}).get("changes") or {}
        changed = {name: pair for name, pair in changes.items() if pair[0] != pair[1]}
        if changed:
            found.append({"action": row.action, "summary": row.summary, "changes": changed})
    return found


def open_form(client: Client, page: EditPage) -> BrowserForm:
    headers = {"HX-Request": "true"} if page.panel else {}
    response = client.get(page.url, headers=headers)
    assert response.status_code == 200, f"GET {page.url}: {response.status_code}"
    html = response.content.decode(response.charset or "utf-8")
    return read_form(html, url=page.url, submitter=page.submitter, **page.form)


def post_form(client: Client, form: BrowserForm):
    assert form.method == "post", f"the form is sent by {form.method}"
    if form.enctype == "multipart/form-data":
        return client.post(form.action, form.data(), headers=form.headers)
    return client.post(
        form.action,
        urlencode(form.entries),
        content_type="application/x-www-form-urlencoded",
        headers=form.headers,
    )


def signed_in(page: EditPage, *, language: str) -> Client:
    """A client of the page's user, who reads the pages in `language`; CSRF is checked,
    as for a browser."""
    User.objects.filter(pk=page.user.pk).update(language=language)
    client = Client(enforce_csrf_checks=True)
    client.force_login(page.user)
    return client


def save_unchanged(page: EditPage, *, language: str) -> BrowserForm:
    client = signed_in(page, language=language)
    before = state(page)
    audited = AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    form = open_form(client, page)
    for name, value in page.typed.items():
        form.type(name, value)
    assert form.blocked == [], f"the browser refuses to submit: {form.blocked}"
    assert form.invalid == [], f"constraints the stored values fail: {form.invalid}"
    response = post_form(client, form)
    for button in page.then:
        assert response.status_code == 200, (
            f"POST {form.action}: {response.status_code} {form_errors(response)}"
        )
        html = response.content.decode(response.charset or "utf-8")
        form = read_form(html, url=form.action, submitter=button, **page.form)
        assert form.blocked == [], f"the browser refuses to submit: {form.blocked}"
        assert form.invalid == [], f"constraints the shown values fail: {form.invalid}"
        response = post_form(client, form)

    if page.refusal is not None:
        with translation.override(language):
            refusal = gettext(page.refusal)
        # a form refused is shown again, as 200 or as 422
        assert response.status_code in {200, 422}, f"POST {form.action}: {response.status_code}"
        assert form_errors(response) == [refusal], form.entries
    else:
        assert response.status_code in {200, 204, 302, 303}, (
            f"POST {form.action}: {response.status_code} {form_errors(response)}\n{form.entries}"
        )
        if not form.via_htmx:
            assert response.status_code in {302, 303}, (
                f"POST {form.action} answered {response.status_code}, not the redirect of a"
                f" save: {form_errors(response)}\n{form.entries}"
            )
        assert form_errors(response) == [], form.entries
        refused = refusals(response)
        assert refused == [], f"the page says: {refused}\n{form.entries}"
    changed = differences(before, state(page))
    assert not changed, "the save changed the records:\n" + "\n".join(changed)
    assert changes_audited(audited) == [], "the audit log records changes"
    return form
