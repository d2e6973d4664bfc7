"""Products, price lists and quotes (ORD-1)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import Department, user_stamp
from guanxi.core.i18n import bilingual
from guanxi.core.model_parts import optional_fk, scope_indexes
from guanxi.core.scope import ScopedQuerySet
from guanxi.customers.models import Contact, Tag, customer_fk

AMOUNT = {"max_digits": 14, "decimal_places": 2}
QUANTITY = {"max_digits": 12, "decimal_places": 3}
RATE = {"max_digits": 5, "decimal_places": 4}  # 0.1300 = 13 %


class Product(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=10, default="件")
    list_price = models.DecimalField(_("list price (tax incl.)"), **AMOUNT)
    tax_rate = models.DecimalField(_("tax rate"), default="0.1300", **RATE)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]
        indexes = [models.Index(fields=["active", "code"], name="product_active_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(list_price__gte=0), name="product_price_positive"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lt=1), name="product_tax_rate_range"
            ),
        ]

    def __str__(self):
        return f"{self.code} {bilingual(self.name, self.name_en)}"


class PriceList(models.Model):
    """Prices for a customer group (a tag such as 重点客户 or VIP); the default list has none.

    The first active, valid list (lowest `priority`) whose tag the customer carries wins; a
    product missing from it falls back to its list price."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    customer_tag = optional_fk(Tag, _("customer group (tag)"), on_delete=models.PROTECT)
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["priority", "name"]

    def __str__(self):
        return self.name


class PriceListItem(models.Model):
    # indexed by the unique (price_list, product) below (pricelist_product)
    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    price = models.DecimalField(_("price (tax incl.)"), **AMOUNT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="pricelist_product"),
            models.CheckConstraint(condition=Q(price__gte=0), name="pricelist_price_positive"),
        ]

    def __str__(self):
        return f"{self.price_list_id} {self.product_id} {self.price}"


class ScopedRecord(models.Model):
    """A record in the data scope: ScopedQuerySet.visible_to reads its owner and department,
    copied from the customer or contract so that a scope check needs no join. Neither has an
    index of its own: each record leads two indexes with them (`scope_indexes`), or declares
    the fields again with their index (Instalment, whose scope indexes are partial)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    department = optional_fk(Department, db_index=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class Quote(ScopedRecord):
    """A quotation (报价单): lines from the price list, printable, convertible to a contract."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        CONVERTED = "converted", _("Converted to a contract")

    number = models.CharField(pgettext_lazy("document", "number"), max_length=30, unique=True)
    customer = customer_fk("quotes", on_delete=models.PROTECT, db_index=False)
    contact = optional_fk(Contact)
    price_list = optional_fk(PriceList)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    gross_amount = models.DecimalField(default=0, **AMOUNT)
    discount_amount = models.DecimalField(default=0, **AMOUNT)
    net_amount = models.DecimalField(default=0, **AMOUNT)
    tax_amount = models.DecimalField(default=0, **AMOUNT)
    total_amount = models.DecimalField(_("total"), default=0, **AMOUNT)
    created_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [
            *scope_indexes("quote", "-id"),
            models.Index(fields=["customer", "-id"], name="quote_customer_idx"),
        ]

    def __str__(self):
        return self.number


class LineItem(models.Model):
    """A priced line of a quote or a contract: a contract's lines start as its quote's, so
    both keep the same figures, rules and constraint names (quoteitem_quantity, ...)."""

    position = models.PositiveSmallIntegerField(default=0)
    product = optional_fk(Product, on_delete=models.PROTECT)
    description = models.CharField(_("description"), max_length=200)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_price = models.DecimalField(_("unit price (tax incl.)"), **AMOUNT)
    discount_rate = models.DecimalField(_("discount"), default=0, **RATE)
    tax_rate = models.DecimalField(_("tax rate"), default=0, **RATE)
    gross_amount = models.DecimalField(default=0, **AMOUNT)
    discount_amount = models.DecimalField(default=0, **AMOUNT)
    net_amount = models.DecimalField(default=0, **AMOUNT)
    tax_amount = models.DecimalField(default=0, **AMOUNT)
    total_amount = models.DecimalField(default=0, **AMOUNT)

    class Meta:
        abstract = True
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="%(class)s_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="%(class)s_price"),
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0, discount_rate__lte=1), name="%(class)s_discount"
            ),
        ]

    def __str__(self):
        return self.description


class QuoteItem(LineItem):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="items")

    class Meta(LineItem.Meta):
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
