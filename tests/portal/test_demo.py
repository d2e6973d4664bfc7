"""`guanxi seed_portal` (issue 16): a web form with its leads, and who can sign in."""

from io import StringIO

from django.core.management import call_command

from guanxi.customers.models import Customer
from guanxi.portal.models import LeadForm, LeadSubmission
from tests.sales.factories import make_contract


def test_seed_portal_sets_up_a_form_and_names_a_customer_who_can_sign_in(make_customer, sales1a):
    customer = make_customer(sales1a, name="演示门户客户", mobile="13944440001")
    make_contract(sales1a, customer)
    out = StringIO()
    call_command("seed_portal", stdout=out)
    form = LeadForm.objects.get()
    assert form.department == sales1a.department and form.campaign
    assert f"/portal/f/{form.key}/" in out.getvalue()
    assert "+8613944440001" in out.getvalue() and "/portal/sign-in/" in out.getvalue()
    # a known customer's enquiry; no customer of its own (seed --customers N makes N)
    assert list(LeadSubmission.objects.values_list("outcome", flat=True)) == ["known"]
    assert Customer.objects.count() == 1
    again = StringIO()
    call_command("seed_portal", stdout=again)
    assert "not seeded" in again.getvalue() and LeadForm.objects.count() == 1
