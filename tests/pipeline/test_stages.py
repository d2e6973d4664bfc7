from django.utils import translation

from guanxi.pipeline.models import Stage, TeamQuota


def test_six_stages_with_seed_guidance(org):
    stages = list(Stage.objects.order_by("order"))
    assert [s.code for s in stages] == ["refused", "s0", "s1", "s2", "s3", "s4"]
    assert [s.cadence_days for s in stages] == [None, 15, 7, 7, 3, 3]
    assert [s.quota_group for s in stages] == ["", "s0", "s12", "s12", "s34", "s34"]
    s0 = stages[1]
    assert s0.definition == "客户不拒绝/对网络推广不了解"
    assert "无过激语言" in s0.signals.splitlines()
    assert len(s0.signals.splitlines()) == len(s0.signals_en.splitlines()) == 5
    for stage in stages:
        for field in ("definition", "push_methods"):
            assert getattr(stage, field) and getattr(stage, f"{field}_en")
    with translation.override("en"):
        assert str(stages[3]) == "Stage 2"
        assert stages[3].text("definition").startswith("The customer actively")
    with translation.override("zh-hans"):
        assert str(stages[3]) == "阶段2"


def test_company_default_quota(org):
    quota = TeamQuota.objects.get(department__isnull=True)
    assert (quota.stage0, quota.stage12, quota.stage34, quota.daily_target) == (20, 40, 10, 3)


def test_migration_rerun_keeps_edits(org):
    import importlib

    from django.apps import apps

    Stage.objects.filter(code="s1").update(definition="edited")
    migration = importlib.import_module("guanxi.pipeline.migrations.0002_stage_guidance")
    migration.forwards(apps, None)
    assert Stage.objects.get(code="s1").definition == "edited"
    assert Stage.objects.count() == 6
    assert TeamQuota.objects.filter(department__isnull=True).count() == 1
