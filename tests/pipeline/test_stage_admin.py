"""The stage administration page (issue 12 §4): the stages with their cadence and guidance,
and loading one of the shipped guidance sets (pipeline.manage_stages, administrators)."""

import pytest
from django.urls import reverse

from guanxi.accounts.models import Role
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.pipeline.audit_actions import GUIDANCE_LOAD
from guanxi.pipeline.models import Stage
from guanxi.pipeline.stages import services
from guanxi.pipeline.stages.guidance import NEUTRAL, SEED_EXAMPLE

pytestmark = pytest.mark.django_db


def _texts():
    return {
        s.code: (s.definition, s.signals, s.questions, s.push_methods, s.push_methods_en)
        for s in Stage.objects.all()
    }


def test_only_administrators_hold_the_permission():
    holders = {
        role.code
        for role in Role.objects.filter(is_system=True)
        if "pipeline.manage_stages" in role.permissions
    }
    assert holders == {"admin"}


def test_the_page_lists_stages_with_cadence_and_guidance(client_for, admin_user):
    home = client_for(admin_user).get(reverse("accounts:admin_home")).content.decode()
    assert reverse("pipeline:stage_admin") in home
    page = client_for(admin_user).get(reverse("pipeline:stage_admin")).content.decode()
    s0 = Stage.objects.get(code="s0")
    assert str(s0) in page and s0.definition in page
    assert 'value="seed"' in page and 'value="neutral"' in page


def test_loading_the_seed_example_and_back(client_for, admin_user):
    client = client_for(admin_user)
    response = client.post(reverse("pipeline:stage_guidance_load"), {"guidance_set": "seed"})
    assert response.status_code == 302
    s1 = Stage.objects.get(code="s1")
    assert s1.questions == SEED_EXAMPLE["s1"]["questions"][0]
    assert s1.questions_en == SEED_EXAMPLE["s1"]["questions"][1]
    assert s1.cadence_days == 7  # untouched
    entry = AuditLog.objects.get(action=GUIDANCE_LOAD)
    assert entry.actor == admin_user and entry.detail["set"] == "seed"
    assert "s1" in entry.detail["stages"]
    client.post(reverse("pipeline:stage_guidance_load"), {"guidance_set": "neutral"})
    assert Stage.objects.get(code="s1").questions == NEUTRAL["s1"]["questions"][0]


def test_others_and_bad_sets_change_nothing(client_for, manager, sales1a, admin_user):
    before = _texts()
    for user in (manager, sales1a):
        assert client_for(user).get(reverse("pipeline:stage_admin")).status_code == 403
        response = client_for(user).post(
            reverse("pipeline:stage_guidance_load"), {"guidance_set": "seed"}
        )
        assert response.status_code == 403
        with pytest.raises(PermissionDenied):
            services.stage_guidance_load(actor=user, set_key="seed")
    with pytest.raises(ValidationFailed):
        services.stage_guidance_load(actor=admin_user, set_key="mine")
    response = client_for(admin_user).post(
        reverse("pipeline:stage_guidance_load"), {"guidance_set": "mine"}
    )
    assert response.status_code == 302
    assert _texts() == before
    assert not AuditLog.objects.filter(action=GUIDANCE_LOAD).exists()
