"""The script library (SRV-2): search, suggestions, rating, permissions and pages."""

import pytest
from django.urls import reverse
from django.utils import translation

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.pipeline import scripts
from guanxi.pipeline.models import Objection, Script, Stage

pytestmark = pytest.mark.django_db


def _script(actor, **data):
    data = {"title": "测试话术", "body": "您说得对,不过……", "objection_type": "price", **data}
    return scripts.script_create(actor=actor, data=data)


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
    found = scripts.script_search("奇异果")
    assert {a, b} <= set(found)
    assert scripts.script_search("奇异果", objection_type="quality") == [b]
    assert scripts.script_search("奇异果 菠萝") == [a]
    assert scripts.script_search("没有这个词xyz") == []
    s2 = Stage.objects.get(code="s2")
    scripts.script_update(actor=manager, script=a, data={"stage": "s2"})
    assert scripts.script_search("奇异果", stage="s2") == [a]
    assert scripts.script_search("奇异果", stage=s2) == [a]
    # bounded
    assert len(scripts.script_search(limit=5)) == 5


def test_search_orders_by_helpfulness_and_hides_inactive(org, manager, sales1a):
    a = _script(manager, title="甲 话术 zz")
    b = _script(manager, title="乙 话术 zz")
    scripts.script_rate(actor=sales1a, script=b, helpful=True)
    assert scripts.script_search("zz") == [b, a]
    scripts.script_deactivate(actor=manager, script=b)
    assert scripts.script_search("zz") == [a]


# ---------------------------------------------------------------- suggestions


def test_suggest_prefers_the_stage_then_general_and_skips_inactive(org, manager):
    Script.objects.all().delete()
    general = _script(manager, title="通用", objection_type="timing")
    for_s2 = _script(manager, title="阶段2", objection_type="timing", stage="s2")
    for_s4 = _script(manager, title="阶段4", objection_type="timing", stage="s4")
    _script(manager, title="别的类型", objection_type="price", stage="s2")
    assert scripts.script_suggest("timing", "s2") == [for_s2, general, for_s4]
    assert scripts.script_suggest("timing", "s2", limit=1) == [for_s2]
    scripts.script_deactivate(actor=manager, script=for_s2)
    assert for_s2 not in scripts.script_suggest("timing", "s2")
    assert scripts.script_suggest("", "s2") == []
    assert scripts.script_suggest("nonsense", "s2") == []


def test_suggest_default_limit_is_three(org):
    assert len(scripts.script_suggest("price", "s3")) == 2  # the shipped pair
    assert len(scripts.script_suggest("price")) <= 3


# ---------------------------------------------------------------- rating and use


def test_rate_counts_and_never_goes_below_zero(org, sales1a, sales2a):
    script = Script.objects.filter(objection_type="need").first()
    scripts.script_rate(actor=sales1a, script=script, helpful=True)
    scripts.script_rate(actor=sales2a, script=script, helpful=True)
    script.refresh_from_db()
    assert script.helpful_count == 2
    scripts.script_rate(actor=sales2a, script=script, helpful=False)
    scripts.script_rate(actor=sales2a, script=script, helpful=False)
    scripts.script_rate(actor=sales2a, script=script, helpful=False)
    script.refresh_from_db()
    assert script.helpful_count == 0


def test_rating_an_inactive_script_is_refused(org, manager, sales1a):
    script = _script(manager)
    scripts.script_deactivate(actor=manager, script=script)
    with pytest.raises(NotFound):
        scripts.script_rate(actor=sales1a, script=script, helpful=True)
    script.refresh_from_db()
    assert script.helpful_count == 0


def test_script_used_counts_atomically(org):
    script = Script.objects.first()
    scripts.script_used(script=script)
    scripts.script_used(script=script.pk)
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
        scripts.script_update(actor=user, script=script, data={"title": "新标题"})
        script.refresh_from_db()
        assert script.title == "新标题"
    else:
        with pytest.raises(PermissionDenied):
            _script(user)
        existing = Script.objects.first()
        with pytest.raises(PermissionDenied):
            scripts.script_update(actor=user, script=existing, data={"title": "x"})
        with pytest.raises(PermissionDenied):
            scripts.script_deactivate(actor=user, script=existing)
        assert Script.objects.count() == before
        assert Script.objects.filter(is_active=True).count() == before


def test_bad_input_is_refused_with_field_errors(org, manager):
    before = Script.objects.count()
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        scripts.script_create(
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


def test_helpful_button_toggles_once_per_user(org, client_for, sales1a):
    script = Script.objects.filter(objection_type="trust").first()
    client = client_for(sales1a)
    url = reverse("pipeline:script_helpful", args=[script.pk])
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "data-helpful-count>1<" in response.content.decode()
    script.refresh_from_db()
    assert script.helpful_count == 1
    client.post(url, headers={"HX-Request": "true"})  # second click withdraws the mark
    script.refresh_from_db()
    assert script.helpful_count == 0
    assert client.get(url).status_code == 405
    assert client.post(reverse("pipeline:script_helpful", args=[999999])).status_code == 404


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
