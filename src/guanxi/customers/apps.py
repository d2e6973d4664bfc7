from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self):
        # Imported here: models must be loaded before the services module is.
        from guanxi.accounts import hooks as account_hooks
        from guanxi.customers.archive import services

        account_hooks.user_department_changed.register(services.customers_follow_owner_department)
        post_migrate.connect(_phone_index_after_migrate, sender=self)

        from guanxi.core.home import home_sections
        from guanxi.customers.archive.views import home_lookup_section

        home_sections.register(home_lookup_section)


def _phone_index_after_migrate(sender, using="default", **kwargs):
    """A migration that alters customers_customer on SQLite rebuilds the table without the
    phone and name indexes' triggers: put them back (and refill the index) if they are gone."""
    from django.db.migrations.recorder import MigrationRecorder

    from guanxi.customers import name_index, phone_index

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if ("customers", "0009_phone_search_index") in applied:
        phone_index.ensure(connection)
    if ("customers", "0010_name_bigram_index") in applied:
        name_index.ensure(connection)
