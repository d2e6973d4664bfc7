"""The six intention stages of seed 002 with their guidance (zh-hans text from the seed, one
item per line, and an English version), stage cadences, and the company-default tracking
quota (INT-1, INT-3, INT-4). Re-runnable: conftest re-applies it after a flush."""

from django.db import migrations

from guanxi.pipeline.stages.guidance import SEED_STAGES

# The seed's stages, text and all, live with the other guidance sets.
STAGES = SEED_STAGES

FIELDS = ("definition", "signals", "questions", "push_methods")


def forwards(apps, schema_editor):
    Stage = apps.get_model("pipeline", "Stage")
    TeamQuota = apps.get_model("pipeline", "TeamQuota")
    for row in STAGES:
        defaults = {
            "order": row["order"],
            "name": row["name"],
            "name_en": row["name_en"],
            "cadence_days": row["cadence_days"],
            "quota_group": row["quota_group"],
        }
        for field in FIELDS:
            defaults[field], defaults[f"{field}_en"] = row[field]
        if not Stage.objects.filter(code=row["code"]).exists():
            Stage.objects.create(code=row["code"], **defaults)
    if not TeamQuota.objects.filter(department__isnull=True).exists():
        TeamQuota.objects.create(department=None, stage0=20, stage12=40, stage34=10, daily_target=3)


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
