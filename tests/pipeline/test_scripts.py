"""The script library (SRV-2): search, suggestions, rating, permissions and pages."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.pipeline.models import Objection, Script, ScriptVote, Stage
from guanxi.pipeline.scripts import selectors, services

pytestmark = pytest.mark.django_db


def _script(actor, **data):
    data = {"title": "测试话术", "body": "您说得对,不过……", "objection_type": "price", **data}
    return services.script_create(actor=actor, data=data)


# ---------------------------------------------------------------- the shipped library


def test_starter_library_has_two_active_scripts_per_objection_type(org):
    for kind in Objection.Type.values:
        rows = Script.objects.filter(objection_type=kind, is_active=True, created_by=None)
        assert rows.count() == 2, kind
    assert Script.objects.filter(stage__code="s3").exists()


# ---------------------------------------------------------------- search


def test_search_matches_words_in_title_or_body_and_filters(org, manager):
    a = _script(manager, title="奇异果话术", body="菠萝不够可以奇异果", objection_type="price")
    b = _script(manager, title="质量保证", body="三年保修,奇异果也行", objection_type="quality")
    found = selectors.script_search(q="奇异果")
    assert {a, b} <= set(found)
    assert selectors.script_search(q="奇异果", objection_type="quality") == [b]
    assert selectors.script_search(q="奇异果 菠萝") == [a]
    assert selectors.script_search(q="没有这个词xyz") == []
    s2 = Stage.objects.get(code="s2")
    services.script_update(actor=manager, script=a, data={"stage": "s2"})
    assert selectors.script_search(q="奇异果", stage="s2") == [a]
    assert selectors.script_search(q="奇异果", stage=s2) == [a]
    # bounded
    assert len(selectors.script_search(limit=5)) == 5


def test_search_orders_by_helpfulness_and_hides_inactive(org, manager, sales1a, sales2a):
    a = _script(manager, title="甲 话术 zz")
    b = _script(manager, title="乙 话术 zz")
    services.script_vote(actor=sales1a, script=b, helpful=True)
    assert selectors.script_search(q="zz") == [b, a]
    # the score is helpful minus not helpful: two votes against b put it below a
    services.script_vote(actor=sales1a, script=b, helpful=False)
    services.script_vote(actor=sales2a, script=b, helpful=False)
    assert selectors.script_search(q="zz") == [a, b]
    assert selectors.script_suggest(objection_type="price", limit=20)[-1] == b
    services.script_vote(actor=sales1a, script=b, helpful=None)
    services.script_vote(actor=sales2a, script=b, helpful=True)
    services.script_deactivate(actor=manager, script=b)
    assert selectors.script_search(q="zz") == [a]


# ---------------------------------------------------------------- suggestions


def test_suggest_prefers_the_stage_then_general_and_skips_inactive(org, manager):
    Script.objects.all().delete()
    general = _script(manager, title="通用", objection_type="timing")
    for_s2 = _script(manager, title="阶段2", objection_type="timing", stage="s2")
    for_s4 = _script(manager, title="阶段4", objection_type="timing", stage="s4")
    _script(manager, title="别的类型", objection_type="price", stage="s2")
    assert selectors.script_suggest(objection_type="timing", stage="s2") == [
        for_s2,
        general,
        for_s4,
    ]
    assert selectors.script_suggest(objection_type="timing", stage="s2", limit=1) == [for_s2]
    services.script_deactivate(actor=manager, script=for_s2)
    assert for_s2 not in selectors.script_suggest(objection_type="timing", stage="s2")
    assert selectors.script_suggest(objection_type="", stage="s2") == []
    assert selectors.script_suggest(objection_type="nonsense", stage="s2") == []


def test_suggest_default_limit_is_three(org):
    assert (
        len(selectors.script_suggest(objection_type="price", stage="s3")) == 2
    )  # the shipped pair
    assert len(selectors.script_suggest(objection_type="price")) <= 3


# ---------------------------------------------------------------- rating and use


def _counts(script):
    script.refresh_from_db()
    return script.helpful_count, script.unhelpful_count


def _counted_from_votes(script):
    votes = ScriptVote.objects.filter(script=script).aggregate(
        up=Count("pk", filter=Q(helpful=True)), down=Count("pk", filter=Q(helpful=False))
    )
    return votes["up"], votes["down"]


def test_one_vote_per_user_which_they_may_change_or_withdraw(org, sales1a, sales2a, manager):
    script = Script.objects.filter(objection_type="need").first()
    # voting helpful twice is still one vote
    services.script_vote(actor=sales1a, script=script, helpful=True)
    returned = services.script_vote(actor=sales1a, script=script, helpful=True)
    assert returned.helpful_count == 1 and returned.my_vote is True
    assert ScriptVote.objects.filter(script=script, user=sales1a).count() == 1
    services.script_vote(actor=sales2a, script=script, helpful=True)
    services.script_vote(actor=manager, script=script, helpful=False)
    assert _counts(script) == (2, 1)
    # a change moves the vote, it does not add one
    services.script_vote(actor=sales2a, script=script, helpful=False)
    assert _counts(script) == (1, 2)
    assert ScriptVote.objects.filter(script=script).count() == 3
    # withdrawing removes it; withdrawing again changes nothing (never below zero)
    services.script_vote(actor=sales2a, script=script, helpful=None)
    services.script_vote(actor=sales2a, script=script, helpful=None)
    assert _counts(script) == (1, 1)
    assert _counts(script) == _counted_from_votes(script)
    assert script.score == 0


def test_counts_are_recounted_from_the_votes(org, sales1a):
    """A stale count (e.g. from the per-session ratings) is replaced by what the votes say."""
    script = Script.objects.filter(objection_type="timing").first()
    Script.objects.filter(pk=script.pk).update(helpful_count=40, unhelpful_count=3)
    services.script_vote(actor=sales1a, script=script, helpful=True)
    assert _counts(script) == (1, 0)


def test_one_vote_per_user_is_enforced_by_the_database(org, sales1a):
    script = Script.objects.first()
    ScriptVote.objects.create(script=script, user=sales1a, helpful=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScriptVote.objects.create(script=script, user=sales1a, helpful=False)
    assert ScriptVote.objects.filter(script=script, user=sales1a).count() == 1


def test_rating_an_inactive_script_is_refused(org, manager, sales1a):
    script = _script(manager)
    services.script_deactivate(actor=manager, script=script)
    with pytest.raises(NotFound):
        services.script_vote(actor=sales1a, script=script, helpful=True)
    assert _counts(script) == (0, 0)
    assert not ScriptVote.objects.filter(script=script).exists()


def test_the_data_migration_counts_from_the_votes(org, sales1a, sales2a):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("guanxi.pipeline.migrations.0009_script_counts_from_votes")
    voted, unvoted = Script.objects.order_by("id")[:2]
    Script.objects.update(helpful_count=9, unhelpful_count=9)
    ScriptVote.objects.create(script=voted, user=sales1a, helpful=True)
    ScriptVote.objects.create(script=voted, user=sales2a, helpful=False)
    migration.count_from_votes(apps, None)
    assert _counts(voted) == (1, 1)
    assert _counts(unvoted) == (0, 0)


def test_script_used_counts_atomically(org):
    script = Script.objects.first()
    services.script_used(script=script)
    services.script_used(script=script.pk)
    script.refresh_from_db()
    assert script.use_count == 2


# ---------------------------------------------------------------- writing the library


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("sales1a", False),
        ("agent", False),
        ("marketing", False),
        ("manager", True),
        ("relations", True),
        ("admin", True),
    ],
)
def test_who_may_write_the_library(org, username, allowed):
    user = org[username]
    before = Script.objects.count()
    if allowed:
        script = _script(user)
        assert script.created_by == user
        services.script_update(actor=user, script=script, data={"title": "新标题"})
        script.refresh_from_db()
        assert script.title == "新标题"
    else:
        with pytest.raises(PermissionDenied):
            _script(user)
        existing = Script.objects.first()
        with pytest.raises(PermissionDenied):
            services.script_update(actor=user, script=existing, data={"title": "x"})
        with pytest.raises(PermissionDenied):
            services.script_deactivate(actor=user, script=existing)
        assert Script.objects.count() == before
        assert Script.objects.filter(is_active=True).count() == before


def test_bad_input_is_refused_with_field_errors(org, manager):
    before = Script.objects.count()
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.script_create(
            actor=manager,
            data={"title": "", "body": "x" * 4001, "objection_type": "bogus", "stage": "s9"},
        )
    errors = caught.value.field_errors
    assert set(errors) == {"title", "body", "objection_type", "stage"}
    assert "required" in str(errors["title"][0])
    assert Script.objects.count() == before


# ---------------------------------------------------------------- pages


def test_list_page_searches_and_shows_counts(org, client_for, sales1a):
    client = client_for(sales1a)
    response = client.get(reverse("pipeline:scripts"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "价格太贵 · 补偿法:算总账" in body
    assert reverse("pipeline:script_create") not in body  # no create button for a consultant
    response = client.get(reverse("pipeline:scripts"), {"type": "authority"})
    body = response.content.decode()
    assert "要请示领导" in body and "价格太贵" not in body
    response = client.get(
        reverse("pipeline:scripts"),
        {"q": "决策人"},
        headers={"HX-Request": "true", "HX-Target": "script-results"},
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "找到决策人" in response.content.decode()
    # nonsense filters do not break the page
    assert client.get(reverse("pipeline:scripts"), {"stage": "zz", "type": "x"}).status_code == 200


def test_list_page_query_count_is_flat(
    org, client_for, sales1a, manager, django_assert_max_num_queries
):
    for n in range(10):
        _script(manager, title=f"话术{n}", stage="s1")
    client = client_for(sales1a)
    client.get(reverse("pipeline:scripts"))
    with django_assert_max_num_queries(12):
        client.get(reverse("pipeline:scripts"))


def test_vote_buttons_one_vote_per_user_across_sessions(org, client_for, sales1a, sales2a):
    script = Script.objects.filter(objection_type="trust").first()
    url = reverse("pipeline:script_vote", args=[script.pk])
    htmx = {"HX-Request": "true"}
    response = client_for(sales1a).post(url, {"vote": "helpful"}, headers=htmx)
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-helpful-count>1<" in body and 'aria-pressed="true"' in body
    # another session of the same user (another browser, a cleared cookie) cannot vote again
    second_session = client_for(sales1a)
    second_session.post(url, {"vote": "helpful"}, headers=htmx)
    assert _counts(script) == (1, 0)
    # the library shows that user's vote as pressed in any session, whose button withdraws it
    page = second_session.get(reverse("pipeline:scripts"), {"type": "trust"}).content.decode()
    form = page[page.index(f'id="helpful-{script.pk}"') :]
    form = form[: form.index("</form>")]
    assert 'name="vote" value="" class="btn btn-sm btn-success" aria-pressed="true"' in form
    client_for(sales2a).post(url, {"vote": "unhelpful"}, headers=htmx)
    assert _counts(script) == (1, 1)
    second_session.post(url, {"vote": "unhelpful"})  # changes sales1a's vote
    assert _counts(script) == (0, 2)
    response = client_for(sales1a).post(url, {"vote": ""})  # withdraws it
    assert response.status_code == 302
    assert _counts(script) == (0, 1)
    client = client_for(sales1a)
    assert client.get(url).status_code == 405
    assert client.post(url, {"vote": "maybe"}).status_code == 400
    assert _counts(script) == (0, 1)
    missing = reverse("pipeline:script_vote", args=[999999])
    assert client.post(missing, {"vote": "helpful"}).status_code == 404


def test_consultant_cannot_reach_the_editor(org, client_for, sales1a):
    script = Script.objects.first()
    client = client_for(sales1a)
    before = list(Script.objects.values_list("id", "title", "is_active"))
    assert client.get(reverse("pipeline:script_create")).status_code == 403
    data = {"title": "偷偷加的", "body": "x", "objection_type": "price", "stage": ""}
    assert client.post(reverse("pipeline:script_create"), data).status_code == 403
    assert client.post(reverse("pipeline:script_edit", args=[script.pk]), data).status_code == 403
    deactivate = reverse("pipeline:script_deactivate", args=[script.pk])
    assert client.post(deactivate).status_code == 403
    assert list(Script.objects.values_list("id", "title", "is_active")) == before


def test_manager_creates_edits_and_removes_a_script(org, client_for, manager):
    client = client_for(manager)
    assert client.get(reverse("pipeline:script_create"), {"type": "price"}).status_code == 200
    data = {"title": "新话术", "body": "您看这样好不好", "objection_type": "price", "stage": "s2"}
    response = client.post(reverse("pipeline:script_create"), data)
    assert response.status_code == 302
    script = Script.objects.get(title="新话术")
    assert script.stage.code == "s2" and script.created_by == manager
    edit = reverse("pipeline:script_edit", args=[script.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {**data, "title": "", "stage": "s9"})
    assert response.status_code == 422
    script.refresh_from_db()
    assert script.title == "新话术"
    response = client.post(edit, {**data, "title": "改过的话术", "stage": ""})
    assert response.status_code == 302
    script.refresh_from_db()
    assert script.title == "改过的话术" and script.stage is None
    client.post(reverse("pipeline:script_deactivate", args=[script.pk]))
    script.refresh_from_db()
    assert not script.is_active
    assert client.get(edit).status_code == 404


def test_suggest_fragment(org, client_for, sales1a):
    client = client_for(sales1a)
    url = reverse("pipeline:script_suggest")
    assert url == "/pipeline/scripts/suggest/"
    response = client.get(url, {"type": "price", "stage": "s3"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.index("算总账") < body.index("找出真正的顾虑")  # this stage first
    assert client.get(url, {"type": "x" * 500, "stage": "y" * 500}).status_code == 200
    assert "data-script-id" not in client.get(url).content.decode()


def test_navbar_links_the_library(org, client_for, sales1a):
    body = client_for(sales1a).get(reverse("pipeline:scripts")).content.decode()
    assert 'href="/pipeline/scripts/"' in body


def test_api_lists_both_counts(org, sales1a, sales2a):
    from django.test import Client

    from guanxi.accounts.services import token_create

    script = Script.objects.filter(objection_type="competitor").first()
    services.script_vote(actor=sales1a, script=script, helpful=True)
    services.script_vote(actor=sales2a, script=script, helpful=False)
    _token, raw = token_create(user=sales1a, name="tests")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    rows = client.get("/api/v1/scripts", {"type": "competitor"}).json()
    row = next(r for r in rows if r["id"] == script.pk)
    assert (row["helpful_count"], row["unhelpful_count"]) == (1, 1)
