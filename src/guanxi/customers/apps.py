from django.apps import AppConfig
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

        from guanxi.core.home import home_sections
        from guanxi.customers.archive.views import home_lookup_section

        home_sections.register(home_lookup_section)
