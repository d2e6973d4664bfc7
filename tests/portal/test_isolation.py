"""The customer portal shows a customer their own documents and nothing of anyone else's
(INTG-4): every portal URL with another customer's ids answers 404; portal and staff sessions
never stand in for each other."""

import pytest
from django.urls import reverse

from tests.portal.factories import documents_for, portal_client


@pytest.fixture(scope="module")
def two_customers(shared_data):
    from guanxi.accounts.models import User
    from tests.customers.factories import CustomerFactory

    with shared_data():
        sales1a = User.objects.get(username="sales1a")
        sales2a = User.objects.get(username="sales2a")
        mine = CustomerFactory(owner=sales1a, name="门户客户甲", mobile="13911110001")
        other = CustomerFactory(owner=sales2a, name="门户客户乙", mobile="13911110002")
        yield {
            "mine": mine,
            "other": other,
            "mine_docs": documents_for(sales1a, mine, tag="MINE"),
            "other_docs": documents_for(sales2a, other, tag="OTHER"),
        }


def test_the_home_page_shows_the_customers_own_documents_only(db, two_customers):
    """INTG-4: contracts, instalments, payments, invoices and deliveries of the customer."""
    client = portal_client(two_customers["mine"])
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    page = response.content.decode()
    mine, other = two_customers["mine_docs"], two_customers["other_docs"]
    assert mine.contract.number in page
    assert "INV-MINE" in page and "收货人MINE" in page
    assert other.contract.number not in page
    assert "INV-OTHER" not in page and "收货人OTHER" not in page
    assert "门户客户乙" not in page
    # a draft is the company's work in progress
    assert mine.draft.number not in page


def _urls_with(contract_id: int) -> list[str]:
    return [
        reverse("portal:contract", args=[contract_id]),
        reverse("portal:contract_pdf", args=[contract_id]),
    ]


def test_every_portal_url_with_another_customers_id_is_404(db, two_customers):
    """INTG-4 matrix: each URL that takes an id, with the other customer's contract, with the
    customer's own draft, and with an id that does not exist."""
    client = portal_client(two_customers["mine"])
    mine, other = two_customers["mine_docs"], two_customers["other_docs"]
    for url in _urls_with(mine.contract.pk):
        assert client.get(url).status_code == 200, url
    for contract_id in (other.contract.pk, mine.draft.pk, 10**9):
        for url in _urls_with(contract_id):
            response = client.get(url)
            assert response.status_code == 404, url
            assert other.contract.number.encode() not in response.content


def test_the_contract_page_lists_that_contracts_documents(db, two_customers):
    client = portal_client(two_customers["mine"])
    mine = two_customers["mine_docs"]
    page = client.get(reverse("portal:contract", args=[mine.contract.pk])).content.decode()
    assert mine.contract.title in page and "INV-MINE" in page and "收货人MINE" in page
    assert "年度服务" in page  # the contract's item
    assert "INV-OTHER" not in page and "收货人OTHER" not in page


def test_the_contract_pdf_is_the_sales_contract_pdf(db, two_customers):
    client = portal_client(two_customers["mine"])
    contract = two_customers["mine_docs"].contract
    response = client.get(reverse("portal:contract_pdf", args=[contract.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert contract.number in response["Content-Disposition"]


def test_a_staff_session_is_no_portal_session(db, two_customers, client_for, admin_user):
    staff = client_for(admin_user)
    contract = two_customers["mine_docs"].contract
    for url in [reverse("portal:home"), *_urls_with(contract.pk)]:
        response = staff.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in"), (
            url
        )


def test_a_portal_session_is_no_staff_session(db, two_customers):
    client = portal_client(two_customers["mine"])
    customer = two_customers["mine"]
    for url in [reverse("home"), reverse("customers:detail", args=[customer.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url
    assert client.get("/api/v1/customers").status_code in (401, 403)


def test_a_merged_or_deleted_customer_is_signed_out(db, two_customers):
    from guanxi.customers.models import Customer

    customer = two_customers["mine"]
    client = portal_client(customer)
    Customer.objects.filter(pk=customer.pk).update(deleted_at="2026-01-01T00:00:00Z")
    assert client.get(reverse("portal:home")).status_code == 302


def test_the_home_page_reads_in_a_fixed_number_of_queries(
    db, two_customers, django_assert_max_num_queries
):
    client = portal_client(two_customers["mine"])
    with django_assert_max_num_queries(9):
        assert client.get(reverse("portal:home")).status_code == 200
