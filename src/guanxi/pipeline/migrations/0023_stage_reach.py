"""When each customer last reached each stage, stored on every stage move (issue 13).

The table is filled from the existing moves with one `INSERT … SELECT` (window functions
per customer), then indexed: on 1,000,000 customers the indexes are built once, not row by
row.
"""

import django.db.models.deletion
from django.db import migrations, models

from guanxi.pipeline.prospects.reach import stage_reach_write


def fill(apps, schema_editor):
    stage_reach_write(
        move_model=apps.get_model("pipeline", "StageMove"),
        reach_model=apps.get_model("pipeline", "StageReach"),
        customer_ids=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0009_phone_search_index"),
        ("pipeline", "0022_stagemove_customer_index_with_stage"),
    ]

    operations = [
        migrations.CreateModel(
            name="StageReach",
            fields=[
                (
                    "move",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="reach",
                        serialize=False,
                        to="pipeline.stagemove",
                    ),
                ),
                ("at", models.DateTimeField()),
                ("level", models.SmallIntegerField()),
                ("before_0", models.DateTimeField(null=True)),
                ("before_1", models.DateTimeField(null=True)),
                ("before_2", models.DateTimeField(null=True)),
                ("before_3", models.DateTimeField(null=True)),
                ("before_4", models.DateTimeField(null=True)),
                ("before_same", models.DateTimeField(null=True)),
                (
                    "customer",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="stagereach",
            index=models.Index(
                fields=["at"],
                include=(
                    "level",
                    "before_0",
                    "before_1",
                    "before_2",
                    "before_3",
                    "before_4",
                    "before_same",
                ),
                name="stagereach_at_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="stagereach",
            index=models.Index(fields=["customer", "at"], name="stagereach_cust_idx"),
        ),
    ]
