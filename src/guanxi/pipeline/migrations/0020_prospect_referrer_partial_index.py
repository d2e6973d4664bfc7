"""The referrer index only over prospects that have a referrer (issue 13): SQLite's planner
ignored the full index, whose statistics count the NULLs of nearly every row as one value."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0019_prospect_owner_close_index")]

    operations = [
        migrations.RemoveIndex(model_name="prospect", name="prospect_referrer_idx"),
        migrations.AddIndex(
            model_name="prospect",
            index=models.Index(
                condition=models.Q(("referrer__isnull", False)),
                fields=["referrer"],
                name="prospect_referrer_idx",
            ),
        ),
    ]
