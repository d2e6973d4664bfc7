from django.utils.translation import gettext_lazy as _

from guanxi.core.errors import DomainError


class AccountLocked(DomainError):
    default_message = _("Too many failed logins. This account is locked for a while.")
    status_code = 403


class DepartmentCycle(DomainError):
    default_message = _("A department cannot be moved under itself.")
