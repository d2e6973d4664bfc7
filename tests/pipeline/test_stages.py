from django.utils import translation

from guanxi.pipeline.models import Stage, TeamQuota


def test_six_stages_with_product_neutral_guidance(org):
    stages = list(Stage.objects.order_by("order"))
    assert [s.code for s in stages] == ["refused", "s0", "s1", "s2", "s3", "s4"]
    assert [s.cadence_days for s in stages] == [None, 15, 7, 7, 3, 3]
    assert [s.quota_group for s in stages] == ["", "s0", "s12", "s12", "s34", "s34"]
    s0 = stages[1]
    assert s0.definition == "客户不拒绝沟通,但对我们的产品或服务还不了解"
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


def test_no_company_playbook_in_the_default_guidance(org):
    # Issue 12 §4: the shipped guidance was one company's ("百度限量版礼品").
    for stage in Stage.objects.all():
        for field in ("definition", "signals", "questions", "push_methods"):
            for text in (getattr(stage, field), getattr(stage, f"{field}_en")):
                assert "百度" not in text and "Baidu" not in text, (stage.code, field)
                assert "推广" not in text and "promotion" not in text, (stage.code, field)


def test_the_neutral_migration_keeps_edited_text(org):
    import importlib

    from django.apps import apps

    from guanxi.pipeline.stages.guidance import NEUTRAL, SEED_EXAMPLE

    Stage.objects.filter(code="s2").update(
        definition=SEED_EXAMPLE["s2"]["definition"][0],
        definition_en=SEED_EXAMPLE["s2"]["definition"][1],
        signals="我们自己的表征",
    )
    migration = importlib.import_module("guanxi.pipeline.migrations.0012_neutral_stage_guidance")
    migration.to_neutral(apps, None)
    s2 = Stage.objects.get(code="s2")
    assert s2.definition == NEUTRAL["s2"]["definition"][0]
    assert s2.signals == "我们自己的表征"
