"""Prospect.owned_since (the recycling clock restarts on a claim) and the default public pool
"公司公海" with sensible rules and no members yet (INT-7). Re-runnable."""

from django.db import migrations, models


def default_pool(apps, schema_editor):
    PublicPool = apps.get_model("pipeline", "PublicPool")
    PublicPool.objects.get_or_create(
        name="公司公海",
        defaults={
            "no_followup_days": {"*": 30, "s0": 15},
            "no_progress_days": {"*": 60},
            "no_progress_contacts": 10,
            "no_deal_days": None,
            "exempt_dealt": True,
            "warn_days": 3,
            "daily_claim_cap": 10,
            "cooldown_days": 7,
            "masks_phones": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0002_stage_guidance")]

    operations = [
        migrations.AddField(
            model_name="prospect",
            name="owned_since",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(default_pool, migrations.RunPython.noop),
    ]
