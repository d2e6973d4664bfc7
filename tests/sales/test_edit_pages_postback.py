"""The sales pages' edit forms, opened and saved unchanged as a browser does it
(tests/postback.py): the page takes them and nothing changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.accounts.models import Department, Role
from guanxi.customers.archive.services import contact_create, customer_set_tags
from guanxi.customers.archive.validation import ContactInput
from guanxi.sales.approvals import services as approvals
from guanxi.sales.catalog import services as catalog
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts.services import (
    ContractHead,
    InstalmentInput,
    contract_submit,
    contract_update,
)
from guanxi.sales.models import (
    ApprovalFlow,
    Contract,
    ContractAmendment,
    PriceList,
    PriceListItem,
    Product,
    Quote,
    SalesTarget,
)
from guanxi.sales.receivables import services as receivables
from guanxi.sales.targets.services import targets_save
from tests.customers.factories import CustomerFactory
from tests.postback import LANGUAGES, EditPage, open_form, post_form, save_unchanged, signed_in
from tests.sales.factories import DraftContractFactory, LineFactory, ProductFactory, make_contract

pytestmark = pytest.mark.django_db

D = Decimal
TERMS = "一、交付：签约后30日内。\n二、付款：分三期。\n<条款> & “引号”"


def _products():
    """Products with the rates a Chinese catalogue has: 13 %, 6 %, 9 % and a retired one."""
    return [
        ProductFactory(code="PX-1", name="空气净化器", unit="台", list_price="2999.00"),
        ProductFactory(
            code="PX-2", name="安装服务", unit="次", list_price="300.00", tax_rate=D("0.0600")
        ),
        ProductFactory(code="PX-3", name="滤芯", unit="个", list_price="99.50", tax_rate=D("0.09")),
        ProductFactory(code="PX-0", name="旧型号", unit="台", list_price="1999.00", active=False),
    ]


def _customer(org):
    customer = CustomerFactory(owner=org["sales1a"], name="华东贸易有限公司")
    contact_create(
        actor=org["sales1a"],
        customer=customer,
        data=ContactInput(name="钱经理", title="总经理", is_decision_maker=True),
    )
    return customer


def _lines(products):
    new, service, part, retired = products
    return [
        LineFactory(
            product=new,
            description="空气净化器 X1",
            unit="台",
            quantity="3",
            unit_price="2999.00",
            discount_rate="0.05",
        ),
        LineFactory(
            product=service, description="上门安装", unit="次", quantity="1.5", tax_rate="0.06"
        ),
        LineFactory(
            product=part,
            description="滤芯",
            unit="个",
            quantity="12",
            unit_price="99.50",
            tax_rate="0.09",
        ),
        # a product taken off the catalogue after the line was written
        LineFactory(product=retired, description="旧型号", unit="台", unit_price="1999.00"),
        LineFactory(description="运费（自由文本）", unit="项", unit_price="150.00", tax_rate="0"),
    ]


def _contract_head(contract):
    return ContractHead(
        title=contract.title,
        signing_contact=contract.customer.contacts.get(),
        signed_on=dt.date(2026, 12, 7),
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        terms=TERMS,
    )


def _contract_records(contract):
    return [
        Contract.objects.get(pk=contract.pk),
        contract.items.all(),
        contract.instalments.all(),
        ContractAmendment.objects.filter(contract=contract),
    ]


def _full_draft(org, products):
    contract = DraftContractFactory(
        owner=org["sales1a"], customer=_customer(org), title="年度采购合同", items=_lines(products)
    )
    return contract_update(
        actor=org["sales1a"],
        contract=contract,
        version=contract.version,
        data=_contract_head(contract),
        items=None,
    )


def contract_draft(org) -> EditPage:
    contract = _full_draft(org, _products())
    return EditPage(
        user=org["sales1a"],
        url=reverse("sales:contract_edit", args=[contract.pk]),
        records=_contract_records(contract),
    )


def contract_amend(org) -> EditPage:
    """An amendment needs a reason; one that changes nothing else is refused as such."""
    contract = _full_draft(org, _products())
    receivables.instalments_set(
        actor=org["sales1a"],
        contract=contract,
        plan=[
            InstalmentInput(due_on=dt.date(2027, 1, 15), amount=contract.total_amount - 1000),
            InstalmentInput(due_on=dt.date(2027, 6, 30), amount=D("1000.00"), notes="质保金"),
        ],
    )
    contract = contract_submit(actor=org["sales1a"], contract=contract)
    assert contract.status == Contract.Status.SIGNED
    return EditPage(
        user=org["manager"],
        url=reverse("sales:contract_amend", args=[contract.pk]),
        records=_contract_records(contract),
        typed={"reason": "客户要求核对合同"},
        refusal="The amendment changes nothing.",
    )


def quote(org) -> EditPage:
    products = _products()
    customer = _customer(org)
    made = catalog.quote_create(
        actor=org["sales1a"],
        customer=customer,
        items=[
            LineInput(
                product=line.product,
                description=line.description,
                unit=line.unit,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_rate=line.discount_rate,
                tax_rate=line.tax_rate,
            )
            # a quote offers only products on sale (quote_update refuses the others)
            for line in _lines(products)
            if line.product is None or line.product.active
        ],
        notes=TERMS,
        contact=customer.contacts.get(),
        valid_until=dt.date(2026, 12, 31),
    )
    return EditPage(
        user=org["sales1a"],
        url=reverse("sales:quote_edit", args=[made.pk]),
        records=[Quote.objects.get(pk=made.pk), made.items.all()],
    )


def product(org) -> EditPage:
    made = catalog.product_create(
        actor=org["admin"],
        data=catalog.ProductInput(
            code="SVC-10",
            name="年度维保",
            name_en="Annual maintenance",
            unit="年",
            list_price="12800.00",
            tax_rate="0.10",
            description="两次上门\n全年电话支持",
        ),
    )
    return EditPage(
        user=org["admin"],
        url=reverse("sales:product_edit", args=[made.pk]),
        records=[Product.objects.get(pk=made.pk)],
    )


def price_list(org) -> EditPage:
    products = _products()
    tag = customer_set_tags(actor=org["sales1a"], customer=_customer(org), tags=["经销商"])[0]
    made = catalog.pricelist_create(
        actor=org["admin"],
        data=catalog.PriceListInput(
            name="经销商价",
            customer_tag=tag,
            priority=20,
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2026, 12, 31),
            active=True,
        ),
        items=[
            catalog.PriceListItemInput(product=products[0].pk, price="2599.00"),
            catalog.PriceListItemInput(product=products[2].pk, price="88.8"),
            catalog.PriceListItemInput(product=products[3].pk, price="1500.00"),
        ],
    )
    return EditPage(
        user=org["admin"],
        url=reverse("sales:pricelist_edit", args=[made.pk]),
        records=[PriceList.objects.get(pk=made.pk), PriceListItem.objects.filter(price_list=made)],
    )


def approval_flow(org) -> EditPage:
    products = _products()
    flow = approvals.flow_create(
        actor=org["admin"],
        data=approvals.FlowInput(
            name="大额合同审批",
            target="contract",
            priority=5,
            min_amount="50000.50",
            department_ids=[Department.objects.order_by("pk").last().pk],
            product_ids=[products[0].pk, products[3].pk],
            steps=[
                {"kind": "direct_manager", "mode": "any", "name": "主管"},
                {"kind": "role", "mode": "all", "role_id": Role.objects.order_by("pk").first().pk},
                {"kind": "users", "mode": "all", "user_ids": [org["admin"].pk, org["manager"].pk]},
                {"kind": "managers_manager", "mode": "any"},
            ],
        ),
    )

    def current_version():
        version = ApprovalFlow.objects.get(pk=flow.pk).current_version
        return {"conditions": version.conditions, "steps": version.steps}

    return EditPage(
        user=org["admin"],
        url=reverse("sales:approval_flow_edit", args=[flow.pk]),
        # each save is a new version (running approvals keep theirs): its content counts
        records=[flow, current_version],
        volatile=frozenset({"current_version"}),
    )


def payment_plan(org) -> EditPage:
    contract = make_contract(org["sales1a"], _customer(org), total="9000.00")
    today = timezone.localdate()
    receivables.instalments_set(
        actor=org["sales1a"],
        contract=contract,
        plan=[
            InstalmentInput(due_on=today, amount="3000.00", notes="首付款"),
            InstalmentInput(due_on=today + dt.timedelta(days=31), amount="3000.00", notes=""),
            InstalmentInput(due_on=today + dt.timedelta(days=62), amount="3000.00", notes="尾款"),
        ],
    )
    return EditPage(
        user=org["sales1a"],
        url=reverse("sales:contract_receivables", args=[contract.pk]),
        form={"action": reverse("sales:receivables_plan", args=[contract.pk])},
        records=[contract.instalments.all()],
        panel=True,
    )


def sales_targets(org) -> EditPage:
    on = timezone.localdate().replace(day=1)
    targets_save(
        actor=org["manager"],
        user=org["sales1a"],
        period="month",
        starts_on=on,
        values={"signed": "120000.50", "collected": "80000", "new_customers": "12"},
    )
    return EditPage(
        user=org["manager"],
        url=f"{reverse('sales:targets')}?period=month&on={on.isoformat()}",
        form={"form_id": f"row-u{org['sales1a'].pk}"},
        records=[SalesTarget.objects.filter(user=org["sales1a"])],
    )


PAGES = [
    contract_draft,
    contract_amend,
    quote,
    product,
    price_list,
    approval_flow,
    payment_plan,
    sales_targets,
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("make_page", PAGES, ids=lambda make: make.__name__)
def test_an_edit_page_saved_unchanged_changes_nothing(org, make_page, language):
    save_unchanged(make_page(org), language=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_amendment_through_the_page_records_only_what_the_user_changed(org, language):
    """The form a browser sends back holds every other value as stored (dates, contact,
    lines with their products, plan), so the amendment's diff is the one change typed."""
    page = contract_amend(org)
    client = signed_in(page, language=language)
    form = open_form(client, page)
    form.type("reason", "客户更名")
    form.type("title", "年度采购合同（更名）")
    assert form.blocked == []
    response = post_form(client, form)
    assert response.status_code == 302, form.entries
    amendment = ContractAmendment.objects.get()
    assert sorted(amendment.changes) == ["title"]
    assert amendment.changes["title"] == ["年度采购合同", "年度采购合同（更名）"]
