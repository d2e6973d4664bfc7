"""Name-contains search from an index on SQLite too (ARC-7, issue 13): a table of the names'
character bigrams kept by triggers (`customers.name_index`). PostgreSQL has had its bigram
GIN index since 0004: nothing to do there.
"""

from django.db import migrations

from guanxi.customers import name_index


def forward(apps, schema_editor):
    name_index.ensure(schema_editor.connection)


def backward(apps, schema_editor):
    name_index.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("customers", "0009_phone_search_index")]
    operations = [migrations.RunPython(forward, backward)]
