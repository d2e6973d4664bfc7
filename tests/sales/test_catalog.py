"""Products, price lists, price resolution and quotes (ORD-1): the services."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from guanxi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.customers.models import Contact, CustomerTag, Tag, TimelineEvent
from guanxi.sales.catalog import services as catalog
from guanxi.sales.common import money
from guanxi.sales.common.lines import CleanedLine, LineInput
from guanxi.sales.contracts.services import quote_convert
from guanxi.sales.models import Contract, PriceList, PriceListItem, Product, Quote, QuoteItem

pytestmark = pytest.mark.django_db


def _tag(customer, name):
    tag, _created = Tag.objects.get_or_create(name=name)
    CustomerTag.objects.get_or_create(customer=customer, tag=tag)
    return tag


def _price_list(name, *, tag=None, priority=100, prices=(), **fields):
    price_list = PriceList.objects.create(name=name, customer_tag=tag, priority=priority, **fields)
    for product, price in prices:
        PriceListItem.objects.create(price_list=price_list, product=product, price=price)
    return price_list


# ---------------------------------------------------------------- price_for


def test_price_for_falls_back_to_the_list_price(products, sales1a, make_customer):
    customer = make_customer(sales1a, name="普通客户")
    assert catalog.price_for(product=products["a"], customer=customer) == Decimal("1000.00")
    assert catalog.price_list_for(customer=customer) is None


def test_price_for_uses_the_first_matching_list_by_priority(products, sales1a, make_customer):
    vip_customer = make_customer(sales1a, name="贵宾客户")
    plain = make_customer(sales1a, name="普通客户")
    vip = _tag(vip_customer, "VIP")
    key = Tag.objects.create(name="重点客户")
    _price_list("默认价", priority=200, prices=[(products["a"], "950.00")])
    _price_list("VIP价", tag=vip, priority=10, prices=[(products["a"], "880.00")])
    _price_list("重点客户价", tag=key, priority=5, prices=[(products["a"], "700.00")])

    assert catalog.price_for(product=products["a"], customer=vip_customer) == Decimal("880.00")
    # the customer is not in the 重点客户 group: the default list (no tag) applies
    assert catalog.price_for(product=products["a"], customer=plain) == Decimal("950.00")
    # a product missing from the winning list sells at its list price
    assert catalog.price_for(product=products["b"], customer=vip_customer) == Decimal("800.00")
    # an id works too
    assert catalog.price_for(product=products["a"].pk, customer=plain) == Decimal("950.00")


def test_price_for_ignores_inactive_and_out_of_date_lists(products, sales1a, make_customer):
    customer = make_customer(sales1a, name="贵宾客户")
    vip = _tag(customer, "VIP")
    today = timezone.localdate()
    _price_list("停用", tag=vip, priority=1, active=False, prices=[(products["a"], "1.00")])
    _price_list(
        "已过期",
        tag=vip,
        priority=2,
        valid_until=today - dt.timedelta(days=1),
        prices=[(products["a"], "2.00")],
    )
    _price_list(
        "未开始",
        tag=vip,
        priority=3,
        valid_from=today + dt.timedelta(days=1),
        prices=[(products["a"], "3.00")],
    )
    current = _price_list(
        "当前",
        tag=vip,
        priority=4,
        valid_from=today,
        valid_until=today,
        prices=[(products["a"], "4.00")],
    )
    assert catalog.price_list_for(customer=customer) == current
    assert catalog.price_for(product=products["a"], customer=customer) == Decimal("4.00")


def test_prices_for_several_products_in_two_queries(
    products, sales1a, make_customer, django_assert_num_queries
):
    customer = make_customer(sales1a, name="客户")
    _price_list("默认价", prices=[(products["a"], "900.00")])
    with django_assert_num_queries(2):
        prices = catalog.prices_for(products=list(products.values()), customer=customer)
    assert prices == {products["a"].pk: Decimal("900.00"), products["b"].pk: Decimal("800.00")}


# ---------------------------------------------------------------- products


def test_product_writes_need_the_catalog_permission(products, sales1a, manager, admin_user):
    for user in (sales1a, manager):
        with pytest.raises(PermissionDenied):
            catalog.product_create(
                actor=user, data=catalog.ProductInput(code="X", name="x", unit="件", list_price="1")
            )
        with pytest.raises(PermissionDenied):
            catalog.product_update(
                actor=user, product=products["a"], data=catalog.ProductInput(list_price="1")
            )
        with pytest.raises(PermissionDenied):
            catalog.product_remove(actor=user, product=products["a"])
    assert not Product.objects.filter(code="X").exists()
    products["a"].refresh_from_db()
    assert products["a"].list_price == Decimal("1000.00") and products["a"].active


def test_product_create_validates_and_audits(org, admin_user):
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        catalog.product_create(
            actor=admin_user,
            data=catalog.ProductInput(
                code="", name="x", unit="件", list_price="1.234", tax_rate="1.5"
            ),
        )
    assert set(error.value.field_errors) == {"code", "list_price", "tax_rate"}
    assert "two decimal places" in str(error.value.field_errors["list_price"][0])
    assert not Product.objects.exists()

    product = catalog.product_create(
        actor=admin_user,
        data=catalog.ProductInput(
            code="P-9",
            name="旗舰版",
            unit="套",
            list_price="9,999.50",
            tax_rate="13%",
        ),
    )
    assert product.list_price == Decimal("9999.50")
    assert product.tax_rate == Decimal("0.1300")
    assert AuditLog.objects.filter(
        action="sales.product_create", target_id=str(product.pk)
    ).exists()
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        catalog.product_create(
            actor=admin_user,
            data=catalog.ProductInput(code="p-9", name="y", unit="件", list_price="1"),
        )
    assert "already has this code" in str(error.value.field_errors["code"][0])


def test_product_update_keeps_documents_and_audits(products, admin_user, sales1a, make_customer):
    customer = make_customer(sales1a)
    quote = catalog.quote_create(
        actor=sales1a, customer=customer, items=[LineInput(product=products["a"], quantity="1")]
    )
    catalog.product_update(
        actor=admin_user,
        product=products["a"],
        data=catalog.ProductInput(list_price="1200", name="新名字"),
    )
    products["a"].refresh_from_db()
    assert products["a"].list_price == Decimal("1200.00")
    line = quote.items.get()
    assert line.unit_price == Decimal("1000.00") and line.description == "标准版"
    log = AuditLog.objects.get(action="sales.product_update")
    assert log.detail["changes"]["list_price"] == ["1000.00", "1200.00"]


def test_product_remove_deletes_unused_and_deactivates_used(
    products, admin_user, sales1a, make_customer
):
    assert catalog.product_remove(actor=admin_user, product=products["b"]) is None
    assert not Product.objects.filter(pk=products["b"].pk).exists()
    catalog.quote_create(
        actor=sales1a,
        customer=make_customer(sales1a),
        items=[LineInput(product=products["a"], quantity="1")],
    )
    kept = catalog.product_remove(actor=admin_user, product=products["a"])
    assert kept is not None and not kept.active
    assert Product.objects.filter(pk=products["a"].pk, active=False).exists()
    # an inactive product can no longer be quoted
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        catalog.quote_create(
            actor=sales1a,
            customer=make_customer(sales1a),
            items=[LineInput(product=products["a"], quantity="1")],
        )
    assert "no longer sold" in str(error.value.field_errors["items.0.product"][0])


# ---------------------------------------------------------------- price lists


def test_pricelist_create_and_update_replace_items(products, admin_user, sales1a):
    tag = Tag.objects.create(name="VIP")
    price_list = catalog.pricelist_create(
        actor=admin_user,
        data=catalog.PriceListInput(name="VIP价", customer_tag=tag.pk, priority="10"),
        items=[
            catalog.PriceListItemInput(product=products["a"], price="900"),
            catalog.PriceListItemInput(product=products["b"].pk, price="700"),
        ],
    )
    assert price_list.customer_tag == tag and price_list.priority == 10
    assert dict(price_list.items.values_list("product_id", "price")) == {
        products["a"].pk: Decimal("900.00"),
        products["b"].pk: Decimal("700.00"),
    }
    catalog.pricelist_update(
        actor=admin_user,
        price_list=price_list,
        data=catalog.PriceListInput(active=False),
        items=[catalog.PriceListItemInput(product=products["a"], price="850")],
    )
    price_list.refresh_from_db()
    assert not price_list.active
    assert list(price_list.items.values_list("product_id", "price")) == [
        (products["a"].pk, Decimal("850.00"))
    ]
    with pytest.raises(PermissionDenied):
        catalog.pricelist_update(
            actor=sales1a, price_list=price_list, data=catalog.PriceListInput(active=True)
        )


def test_pricelist_validation_changes_nothing(products, admin_user):
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        catalog.pricelist_create(
            actor=admin_user,
            data=catalog.PriceListInput(
                name="坏的",
                customer_tag="999999",
                valid_from="2030-02-01",
                valid_until="2030-01-01",
                priority="-1",
            ),
            items=[
                catalog.PriceListItemInput(product=products["a"], price="-1"),
                catalog.PriceListItemInput(product=products["a"], price="1"),
                catalog.PriceListItemInput(product=999999, price="1"),
            ],
        )
    errors = error.value.field_errors
    assert {"customer_tag", "valid_until", "priority"} <= set(errors)
    assert "items.0.price" in errors and "items.1.product" in errors and "items.2.product" in errors
    assert not PriceList.objects.exists()


def test_pricelist_name_must_stay_unique_but_a_list_keeps_its_own(products, admin_user):
    first = catalog.pricelist_create(actor=admin_user, data=catalog.PriceListInput(name="批发价"))
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        catalog.pricelist_create(
            actor=admin_user,
            data=catalog.PriceListInput(name="批发价", priority="x"),
            items=[catalog.PriceListItemInput(product="²", price="1")],
        )
    errors = error.value.field_errors
    assert "already has this name" in str(errors["name"][0])
    assert {"priority", "items.0.product"} <= set(errors)  # every mistake at once
    catalog.pricelist_update(
        actor=admin_user, price_list=first, data=catalog.PriceListInput(name="批发价", priority=5)
    )
    first.refresh_from_db()
    assert first.priority == 5 and PriceList.objects.count() == 1


# ---------------------------------------------------------------- quotes


def test_quote_create_prefills_prices_and_stores_totals(products, sales1a, make_customer):
    customer = make_customer(sales1a, name="华东客户")
    contact = Contact.objects.create(customer=customer, name="刘总")
    vip = _tag(customer, "VIP")
    price_list = _price_list("VIP价", tag=vip, prices=[(products["a"], "900.00")])
    quote = catalog.quote_create(
        actor=sales1a,
        customer=customer,
        contact=contact,
        valid_until="2031-01-31",
        items=[
            LineInput(product=products["a"].pk, quantity="3", discount_rate="10%"),
            LineInput(product=products["b"], quantity="2.5", unit_price="1000"),
            LineInput(description="差旅费", quantity="1", unit_price="333.33", tax_rate="0"),
        ],
    )
    assert quote.number.startswith("BJ-")
    assert quote.status == Quote.Status.DRAFT
    assert quote.owner == sales1a and quote.department_id == sales1a.department_id
    assert quote.price_list == price_list and quote.contact == contact
    assert quote.valid_until == dt.date(2031, 1, 31)
    a, b, c = quote.items.order_by("position")
    # 3 × 900 = 2700, −10 % = 2430, tax 13 % included
    assert (a.unit_price, a.gross_amount, a.discount_amount, a.total_amount) == (
        Decimal("900.00"),
        Decimal("2700.00"),
        Decimal("270.00"),
        Decimal("2430.00"),
    )
    assert a.net_amount == Decimal("2150.44") and a.tax_amount == Decimal("279.56")
    assert a.tax_rate == Decimal("0.1300") and a.unit == "套" and a.description == "标准版"
    assert b.tax_rate == Decimal("0.0600") and b.total_amount == Decimal("2500.00")
    assert c.product is None and c.total_amount == Decimal("333.33") and c.tax_amount == 0
    items = [a, b, c]
    assert quote.total_amount == sum(i.total_amount for i in items) == Decimal("5263.33")
    assert quote.net_amount + quote.tax_amount == quote.total_amount
    assert quote.gross_amount - quote.discount_amount == quote.total_amount


def test_quote_create_refuses_bad_lines_and_writes_nothing(products, sales1a, make_customer):
    customer = make_customer(sales1a)
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        catalog.quote_create(
            actor=sales1a,
            customer=customer,
            items=[
                LineInput(product=products["a"], quantity="0"),
                LineInput(description="", quantity="1", unit_price="1"),
                LineInput(product=999999, quantity="1"),
                LineInput(product=products["a"], quantity="1", discount_rate="150%"),
                LineInput(description="x", quantity="1.0001", unit_price="1"),
                LineInput(description="x", quantity="1"),
            ],
        )
    errors = error.value.field_errors
    assert set(errors) == {
        "items.0.quantity",
        "items.1.description",
        "items.2.product",
        "items.3.discount_rate",
        "items.4.quantity",
        "items.5.unit_price",
    }
    with pytest.raises(ValidationFailed):
        catalog.quote_create(actor=sales1a, customer=customer, items=[])
    assert not Quote.objects.exists() and not QuoteItem.objects.exists()


@pytest.mark.parametrize("quantity", ["abc", "", None, "0", Decimal("-1"), "1.0001", 10**10])
def test_a_quote_line_with_a_bad_quantity_is_refused_on_its_field(
    products, sales1a, make_customer, quantity
):
    """A LineInput carries the quantity as given; the service refuses a bad one under the
    line's own key, whatever its type, and writes nothing."""
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        catalog.quote_create(
            actor=sales1a,
            customer=make_customer(sales1a),
            items=[
                LineInput(product=products["a"], quantity="1"),
                LineInput(product=products["b"], quantity=quantity),
            ],
        )
    assert {
        key: [str(m) for m in messages] for key, messages in error.value.field_errors.items()
    } == {"items.1.quantity": ["Enter a quantity greater than zero, with at most three decimals."]}
    assert not Quote.objects.exists()


def test_a_cleaned_line_gives_the_columns_of_a_line_item(products, sales1a, make_customer):
    line = LineInput(product=products["a"], quantity="2", discount_rate="10%")
    quote = catalog.quote_create(actor=sales1a, customer=make_customer(sales1a), items=[line])
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.quantity = "3"  # type: ignore[misc]
    stored = quote.items.get()
    amounts = money.line_amounts(
        quantity=Decimal("2"),
        unit_price=Decimal("1000.00"),
        discount_rate=Decimal("0.1"),
        tax_rate=Decimal("0.13"),
    )
    cleaned = CleanedLine(
        position=0,
        product=products["a"],
        description="标准版",
        unit=products["a"].unit,
        quantity=Decimal("2"),
        unit_price=Decimal("1000.00"),
        discount_rate=Decimal("0.1"),
        tax_rate=Decimal("0.13"),
    )
    assert cleaned.amounts == amounts
    fields = catalog.line_item_fields(line=cleaned)
    assert fields == {
        "position": 0,
        "product": products["a"],
        "description": "标准版",
        "unit": products["a"].unit,
        "quantity": Decimal("2"),
        "unit_price": Decimal("1000.00"),
        "discount_rate": Decimal("0.1"),
        "tax_rate": Decimal("0.13"),
        **money.amount_fields(amounts),
    }
    assert {name: getattr(stored, name) for name in fields if name != "product"} == {
        name: value for name, value in fields.items() if name != "product"
    }


def test_quote_only_for_customers_in_the_actors_own_scope(
    products, sales1a, sales1b, manager, make_customer
):
    customer = make_customer(sales1a)
    with pytest.raises(PermissionDenied):
        catalog.quote_create(
            actor=sales1b, customer=customer, items=[LineInput(product=products["a"], quantity="1")]
        )
    quote = catalog.quote_create(
        actor=manager, customer=customer, items=[LineInput(product=products["a"], quantity="1")]
    )
    assert quote.owner == sales1a  # the customer's owner, whoever typed it
    assert quote.created_by == manager
    with pytest.raises(NotFound):
        catalog.quote_set_status(actor=sales1b, quote=quote, status="sent")


def test_quote_update_only_in_draft(products, sales1a, make_customer):
    quote = catalog.quote_create(
        actor=sales1a,
        customer=make_customer(sales1a),
        items=[LineInput(product=products["a"], quantity="1")],
    )
    catalog.quote_update(
        actor=sales1a,
        quote=quote,
        data=catalog.QuoteHeaderInput(notes="含安装"),
        items=[LineInput(product=products["b"], quantity="2")],
    )
    quote.refresh_from_db()
    assert quote.notes == "含安装" and quote.total_amount == Decimal("1600.00")
    assert quote.items.count() == 1
    catalog.quote_set_status(actor=sales1a, quote=quote, status="sent")
    with translation.override("en"), pytest.raises(Conflict) as error:
        catalog.quote_update(actor=sales1a, quote=quote, data=catalog.QuoteHeaderInput(notes="改"))
    assert "Only a draft quote" in str(error.value.message)
    quote.refresh_from_db()
    assert quote.notes == "含安装"


def test_quote_update_is_one_transaction(products, sales1a, make_customer, monkeypatch):
    """A failure after the new lines are written (here the audit row) leaves the quote as it
    was: its lines are not half replaced. QuoteHeaderInput stays a class, not a function."""
    quote = catalog.quote_create(
        actor=sales1a,
        customer=make_customer(sales1a),
        items=[LineInput(product=products["a"], quantity="1")],
    )
    assert isinstance(catalog.QuoteHeaderInput(notes="改"), catalog.QuoteHeaderInput)

    def audit_fails(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(catalog, "audit_record", audit_fails)
    with pytest.raises(RuntimeError):
        catalog.quote_update(
            actor=sales1a,
            quote=quote,
            data=catalog.QuoteHeaderInput(notes="改"),
            items=[LineInput(product=products["b"], quantity="5")],
        )
    assert list(quote.items.values_list("product_id", "quantity")) == [
        (products["a"].pk, Decimal("1.000"))
    ]
    quote.refresh_from_db()
    assert quote.notes == "" and quote.total_amount == Decimal("1000.00")


ILLEGAL = [
    ("draft", "accepted"),
    ("draft", "rejected"),
    ("draft", "draft"),
    ("sent", "sent"),
    ("accepted", "rejected"),
    ("accepted", "sent"),
    ("accepted", "draft"),
    ("rejected", "accepted"),
    ("rejected", "sent"),
    ("converted", "sent"),
    ("converted", "draft"),
]


@pytest.mark.parametrize(("start", "target"), ILLEGAL)
def test_illegal_quote_moves_are_refused_with_a_message(
    products, sales1a, make_customer, start, target
):
    quote = catalog.quote_create(
        actor=sales1a,
        customer=make_customer(sales1a),
        items=[LineInput(product=products["a"], quantity="1")],
    )
    Quote.objects.filter(pk=quote.pk).update(status=start)
    with translation.override("en"), pytest.raises(Conflict) as error:
        catalog.quote_set_status(actor=sales1a, quote=quote, status=target)
    assert "cannot become" in str(error.value.message)
    assert Quote.objects.get(pk=quote.pk).status == start


def test_quote_moves_and_timeline(products, sales1a, make_customer):
    customer = make_customer(sales1a)
    quote = catalog.quote_create(
        actor=sales1a, customer=customer, items=[LineInput(product=products["a"], quantity="1")]
    )
    catalog.quote_set_status(actor=sales1a, quote=quote, status="sent")
    catalog.quote_set_status(actor=sales1a, quote=quote, status="draft")
    catalog.quote_set_status(actor=sales1a, quote=quote, status="sent")
    catalog.quote_set_status(actor=sales1a, quote=quote, status="rejected")
    assert Quote.objects.get(pk=quote.pk).status == "rejected"
    assert TimelineEvent.objects.filter(customer=customer, kind="quote").count() == 3
    with pytest.raises(ValidationFailed):
        catalog.quote_set_status(actor=sales1a, quote=quote, status="converted")
    with pytest.raises(ValidationFailed):
        catalog.quote_set_status(actor=sales1a, quote=quote, status="bogus")


def test_quote_convert_drafts_a_contract_with_the_lines(products, sales1a, make_customer):
    customer = make_customer(sales1a, name="转换客户")
    contact = Contact.objects.create(customer=customer, name="签约人")
    quote = catalog.quote_create(
        actor=sales1a,
        customer=customer,
        contact=contact,
        items=[
            LineInput(product=products["a"], quantity="3", discount_rate="0.05"),
            LineInput(description="培训", unit="次", quantity="1", unit_price="500"),
        ],
    )
    with translation.override("en"), pytest.raises(Conflict) as error:
        quote_convert(actor=sales1a, quote=quote)
    assert "accepted" in str(error.value.message)
    catalog.quote_set_status(actor=sales1a, quote=quote, status="sent")
    catalog.quote_set_status(actor=sales1a, quote=quote, status="accepted")
    contract = quote_convert(actor=sales1a, quote=quote)
    assert contract.status == Contract.Status.DRAFT
    assert contract.quote_id == quote.pk and contract.customer == customer
    assert contract.signing_contact == contact and contract.owner == sales1a
    assert contract.total_amount == quote.total_amount == Decimal("3350.00")
    assert contract.tax_amount == quote.tax_amount
    pairs = [
        (i.product_id, i.description, i.quantity, i.unit_price, i.discount_rate, i.tax_rate)
        for i in contract.items.order_by("position")
    ]
    assert pairs == [
        (i.product_id, i.description, i.quantity, i.unit_price, i.discount_rate, i.tax_rate)
        for i in quote.items.order_by("position")
    ]
    quote.refresh_from_db()
    assert quote.status == Quote.Status.CONVERTED
    assert AuditLog.objects.filter(action="sales.quote_convert").exists()
    with translation.override("en"), pytest.raises(Conflict) as error:
        quote_convert(actor=sales1a, quote=quote)
    assert "already been converted" in str(error.value.message)
    assert Contract.objects.filter(quote=quote).count() == 1


def test_quote_convert_outside_scope_is_not_found(products, sales1a, sales2a, make_customer):
    quote = catalog.quote_create(
        actor=sales1a,
        customer=make_customer(sales1a),
        items=[LineInput(product=products["a"], quantity="1")],
    )
    Quote.objects.filter(pk=quote.pk).update(status="accepted")
    with pytest.raises(NotFound):
        quote_convert(actor=sales2a, quote=quote)
    assert not Contract.objects.exists()
    assert Quote.objects.get(pk=quote.pk).status == "accepted"


# ---------------------------------------------------------------- the pipeline's expected amount


def test_a_quote_fills_the_prospects_empty_expected_amount(products, sales1a, make_customer):
    """Issue 12 §2: a made or sent quote gives a prospect without an expected amount the
    quote's total; an amount the salesperson set is never overwritten."""
    from guanxi.pipeline.models import Prospect

    customer = make_customer(sales1a, name="报价客户")
    quote = catalog.quote_create(
        actor=sales1a, customer=customer, items=[LineInput(product=products["a"], quantity="2")]
    )
    prospect = Prospect.objects.get(pk=customer.pk)
    assert prospect.expected_amount == quote.total_amount > 0

    Prospect.objects.filter(pk=customer.pk).update(expected_amount=None)
    other = catalog.quote_create(
        actor=sales1a, customer=customer, items=[LineInput(product=products["a"], quantity="1")]
    )
    Prospect.objects.filter(pk=customer.pk).update(expected_amount=None)
    catalog.quote_set_status(actor=sales1a, quote=other, status=Quote.Status.SENT)
    assert Prospect.objects.get(pk=customer.pk).expected_amount == other.total_amount

    Prospect.objects.filter(pk=customer.pk).update(expected_amount=Decimal("5.00"))
    catalog.quote_create(
        actor=sales1a, customer=customer, items=[LineInput(product=products["b"], quantity="3")]
    )
    assert Prospect.objects.get(pk=customer.pk).expected_amount == Decimal("5.00")
