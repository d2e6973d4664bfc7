"""The helpful counts were counted per browser session, with no record of who voted, so they
cannot become votes. From now on they are counted from ScriptVote; this sets them to what the
(empty) votes table says, so the displayed score and the votes agree from the start."""

from django.db import migrations
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce


def count_from_votes(apps, schema_editor):
    Script = apps.get_model("pipeline", "Script")
    ScriptVote = apps.get_model("pipeline", "ScriptVote")

    def tally(helpful):
        votes = (
            ScriptVote.objects.filter(script_id=OuterRef("pk"))
            .order_by()
            .values("script_id")
            .annotate(n=Count("pk", filter=Q(helpful=helpful)))
            .values("n")[:1]
        )
        return Coalesce(Subquery(votes), Value(0))

    Script.objects.update(helpful_count=tally(True), unhelpful_count=tally(False))


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0008_script_votes"),
    ]

    operations = [
        migrations.RunPython(count_from_votes, migrations.RunPython.noop),
    ]
