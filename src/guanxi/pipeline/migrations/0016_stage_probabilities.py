"""The shipped chance of closing per stage (docs/decisions.md, "Forecast probabilities").
A stage whose probability was already changed from 0 is left as its owner set it."""

from django.db import migrations

PROBABILITIES = {"refused": 0, "s0": 5, "s1": 10, "s2": 30, "s3": 60, "s4": 90}


def ship(apps, schema_editor):
    Stage = apps.get_model("pipeline", "Stage")
    for code, probability in PROBABILITIES.items():
        Stage.objects.filter(code=code, probability=0).update(probability=probability)


def unship(apps, schema_editor):
    Stage = apps.get_model("pipeline", "Stage")
    Stage.objects.filter(code__in=list(PROBABILITIES)).update(probability=0)


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0015_prospect_expected_amount_stage_probability"),
    ]

    operations = [migrations.RunPython(ship, unship)]
