from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "guanxi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Imported here: models must be loaded before the selectors module is.
        from guanxi.accounts.selectors import scope_for_user
        from guanxi.core.scope import scope_resolver_register

        scope_resolver_register(scope_for_user)

        from guanxi.accounts.views import admin_home_section
        from guanxi.core.home import home_sections

        home_sections.register(admin_home_section)

        from guanxi.accounts.permissions import ALL
        from guanxi.core.audit_text import audit_formatters_register

        audit_formatters_register(
            {
                "accounts.role.permissions": lambda codes, _detail: ", ".join(
                    str(ALL.get(code, code)) for code in codes
                )
            }
        )
