"""Demo data of the portal app (`guanxi seed_portal`): a web-to-lead form for 销售一部 with a
submission of a known customer (a follow-up task for their consultant), and a customer with a
signed contract who can sign in to the customer portal."""

from dataclasses import dataclass

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.portal.leads.services import LeadFormData, LeadInput, lead_form_save, lead_submit
from guanxi.portal.models import LeadField, LeadForm
from guanxi.sales.models import Contract


@dataclass(frozen=True)
class PortalDemo:
    skipped: bool
    form: LeadForm | None = None
    customer: Customer | None = None


def portal_customer() -> Customer | None:
    """A customer with a mobile and a signed contract: who the demo signs in as."""
    contract = (
        Contract.objects.filter(
            status__in=(Contract.Status.SIGNED, Contract.Status.EXECUTING),
            customer__deleted_at=None,
            customer__merged_into=None,
        )
        .exclude(customer__mobile="")
        .select_related("customer")
        .order_by("id")
        .first()
    )
    return contract.customer if contract is not None else None


def seed_portal_demo() -> PortalDemo:
    if LeadForm.objects.exists():
        return PortalDemo(skipped=True, customer=portal_customer())
    admin = User.objects.get(username="admin")
    team = User.objects.get(username="sales1a").department
    form = lead_form_save(
        actor=admin,
        data=LeadFormData(
            name="官网咨询表单",
            fields=[LeadField.EMAIL, LeadField.CITY, LeadField.NEEDS],
            required=[LeadField.CITY],
            department_id=team.pk if team else None,
            pool_id=None,
            campaign="2026春季活动",
            thank_you="感谢您的咨询，我们的顾问会在一个工作日内与您联系。",
        ),
    )
    customer = portal_customer()
    if customer is not None:
        # a customer of the archive fills the form in again: 查重 finds them and their
        # consultant gets a follow-up task (the demo adds no customer of its own, so `seed
        # --customers N` still makes exactly N)
        lead_submit(
            form=form,
            data=LeadInput(
                name=customer.name,
                mobile=customer.mobile,
                extra={LeadField.CITY: customer.city or "上海", LeadField.NEEDS: "想加购滤芯"},
                utm={"utm_source": "baidu", "utm_campaign": "spring"},
            ),
            ip=None,
        )
    return PortalDemo(skipped=False, form=form, customer=customer)
