from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.permissions import TOKEN_SCOPES
from guanxi.core.model_parts import optional_fk
from guanxi.core.models import CodedName
from guanxi.core.scope import DataScope

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class Department(models.Model):
    """A node of the organisation tree. `path` holds the ids from the root ("/1/4/9/"), so a
    department and everything under it is one indexed prefix match."""

    name = models.CharField(_("name"), max_length=60)
    # indexed by the unique (parent, name) below (department_unique_name_in_parent)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_index=False,
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    manager = models.ForeignKey(
        "accounts.User",
        verbose_name=_("department head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="department_unique_name_in_parent"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class RoleCode(models.TextChoices):
    CONSULTANT = "consultant", _("Sales consultant")
    MANAGER = "manager", _("Sales manager")
    CUSTOMER_RELATIONS = "customer_relations", _("Customer relations")
    SERVICE_AGENT = "service_agent", _("Service agent")
    MARKETING = "marketing", _("Marketing")
    ADMIN = "admin", _("Administrator")


class Role(CodedName):
    DATA_SCOPE_CHOICES = [
        (DataScope.OWN, _("Own records (本人)")),
        (DataScope.OWN_AND_SUBORDINATES, _("Own and subordinates' (本人及下属)")),
        (DataScope.DEPARTMENT, _("Own department (本部门)")),
        (DataScope.DEPARTMENT_TREE, _("Department and sub-departments (本部门及下属)")),
        (DataScope.ALL, _("All (全部)")),
    ]

    description = models.CharField(_("description"), max_length=200, blank=True)
    data_scope = models.CharField(
        _("data scope"), max_length=20, choices=DATA_SCOPE_CHOICES, default=DataScope.OWN
    )
    permissions = models.JSONField(_("permissions"), default=list, blank=True)
    is_system = models.BooleanField(_("shipped with Guanxi"), default=False, editable=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]


class UserManager(DjangoUserManager):
    pass


class User(AbstractUser):
    display_name = models.CharField(_("name"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    department = optional_fk(
        Department, _("department"), on_delete=models.PROTECT, related_name="members"
    )
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_reports",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )
    time_zone = models.CharField(_("time zone"), max_length=40, default="Asia/Shanghai")
    left_at = models.DateTimeField(_("left the company"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["department_id", "id"]

    # the columns __str__ reads: for `.only(*User.NAME_FIELDS)` where a list shows names
    NAME_FIELDS = ("id", "display_name", "first_name", "last_name", "username")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username


def user_stamp(
    verbose_name: "_StrOrPromise | None" = None, *, related_name: str = "+", db_index: bool = True
) -> "models.ForeignKey[User | None, User | None]":
    """The user who did something to a row: created, recorded, received or submitted it. Always
    given when the row is written (not blank), NULL once that user is deleted, so that the row
    outlives its author. Every app's records carry one or more of these."""
    return models.ForeignKey(
        User,
        verbose_name=verbose_name,
        null=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        db_index=db_index,
    )


def user_fk(
    related_name: str,
    verbose_name: "_StrOrPromise | None" = None,
    *,
    on_delete: Callable[..., None] = models.CASCADE,
    **options: Any,
) -> "models.ForeignKey[User, User]":
    """The user a row belongs to or is meant for (a token, a notification, an export, an
    approver's task …): required, and deleted with the user unless `on_delete` says the row
    must outlive them (the owners of imports, plans and webhook subscriptions protect theirs)."""
    return models.ForeignKey(
        User,
        verbose_name=verbose_name,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


class ApiToken(models.Model):
    """A per-user bearer token. Only a SHA-256 digest is stored; the token is shown once."""

    PREFIX = "gx_"

    user = user_fk("api_tokens")
    name = models.CharField(_("name"), max_length=60)
    key_prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Chosen when the token is made; unset, the token lasts until revoked.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # "" acts as the user everywhere; an integration scope (accounts.permissions.TOKEN_SCOPES,
    # e.g. "calls.ringing") is accepted only by the endpoints of that scope and nowhere else.
    scope = models.CharField(_("scope"), max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def scope_label(self) -> str:
        label = TOKEN_SCOPES.get(self.scope)
        return str(label[0]) if label else self.scope

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
