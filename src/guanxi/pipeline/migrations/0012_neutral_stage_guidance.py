"""The stage guidance in product-neutral words (issue 12): stages whose text is still the
seed's original get the neutral set; text an administrator edited stays as it is."""

from django.db import migrations

from guanxi.pipeline.stages.guidance import FIELDS, NEUTRAL, SEED_EXAMPLE


def to_neutral(apps, schema_editor):
    Stage = apps.get_model("pipeline", "Stage")
    for stage in Stage.objects.filter(code__in=list(NEUTRAL)):
        original = SEED_EXAMPLE.get(stage.code, {})
        changed = []
        for field in FIELDS:
            current = (getattr(stage, field), getattr(stage, f"{field}_en"))
            if current == original.get(field):
                setattr(stage, field, NEUTRAL[stage.code][field][0])
                setattr(stage, f"{field}_en", NEUTRAL[stage.code][field][1])
                changed += [field, f"{field}_en"]
        if changed:
            stage.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0011_refused_customers_are_lost")]
    operations = [migrations.RunPython(to_neutral, migrations.RunPython.noop)]
