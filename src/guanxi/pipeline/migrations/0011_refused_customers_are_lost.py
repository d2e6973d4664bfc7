"""Customers at stage 拒绝 are lost (流失, ARC-3): the category is derived from the stage from
now on; this sets it for the ones already there."""

from django.db import migrations


def mark_refused_lost(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    Prospect = apps.get_model("pipeline", "Prospect")
    refused = Prospect.objects.filter(stage__order__lt=0).values("customer_id")
    Customer.objects.filter(pk__in=refused).update(category="lost")


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0010_customer_public_pool_from_entries"),
        ("customers", "0007_customer_public_pool"),
    ]
    operations = [migrations.RunPython(mark_refused_lost, migrations.RunPython.noop)]
