"""Contract and quote lines get names of their own, so the audit log can label them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0013_drop_redundant_fk_indexes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="contractitem",
            options={
                "ordering": ["position", "id"],
                "verbose_name": "contract line",
                "verbose_name_plural": "contract lines",
            },
        ),
        migrations.AlterModelOptions(
            name="quoteitem",
            options={
                "ordering": ["position", "id"],
                "verbose_name": "quote line",
                "verbose_name_plural": "quote lines",
            },
        ),
    ]
