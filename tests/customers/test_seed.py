"""`guanxi seed`: valid, deduplicated demo customers, on the service path and the bulk path;
the higher apps' demo data after them (the pipeline, then sales), once."""

from io import StringIO

import phonenumbers
import pytest
from django.core.management import call_command

from guanxi.core.crypto import decrypt
from guanxi.core.identity import normalize_credit_code, parse_id_number
from guanxi.core.names import pinyin_keys
from guanxi.core.phones import normalize_phone
from guanxi.customers import dedup
from guanxi.customers.archive.services import customer_create
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.demo import DEMO_CONSULTANTS
from guanxi.customers.errors import CustomerDuplicate
from guanxi.customers.models import Contact, Customer, CustomerTag, DedupKey, TimelineEvent
from guanxi.pipeline.models import FollowUp
from guanxi.sales.models import Contract


def _assert_valid(customer: Customer) -> None:
    parsed = phonenumbers.parse(customer.mobile)
    assert phonenumbers.is_valid_number(parsed), customer.mobile
    assert normalize_phone(customer.mobile, mobile=True) == customer.mobile
    if customer.office_phone:
        assert normalize_phone(customer.office_phone) == customer.office_phone
    if customer.credit_code:
        assert normalize_credit_code(customer.credit_code) == customer.credit_code
    if customer.id_number_encrypted:
        _number, birth, gender = parse_id_number(decrypt(customer.id_number_encrypted))
        assert (birth, gender) == (customer.birth_date, customer.gender)
    if customer.home_postcode:
        assert len(customer.home_postcode) == 6 and customer.home_postcode.isdigit()
    person = customer.kind == Customer.Kind.PERSON
    assert (customer.name_pinyin, customer.name_initials) == pinyin_keys(
        customer.name, person=person
    )
    if customer.owner_id is None:
        # Released to the public pool by the pipeline demo: no owner, no department.
        assert customer.department_id is None
        return
    assert customer.owner.username in ("sales1a", "sales1b", "sales2a", "sales2b")
    assert customer.department_id == customer.owner.department_id


def _assert_keys_exact(customer: Customer) -> None:
    """The stored dedup keys are exactly what the service computes for this customer."""
    expected = dedup.keys_for(customer, id_number=decrypt(customer.id_number_encrypted))
    stored = DedupKey.objects.filter(customer=customer).values_list("rule", "value")
    assert sorted(stored) == sorted(expected)


@pytest.fixture(scope="class")
def seeded(shared_data):
    """`guanxi seed` run once for the class below: the whole demo, through every app, is the
    heaviest thing the suite does, so its tests share one run (each in its own savepoint)."""
    with shared_data():
        out = StringIO()
        call_command("seed", customers=50, seed=3, stdout=out)
        yield out.getvalue()


@pytest.mark.once  # the whole demo through every app: one CI phase runs it
@pytest.mark.django_db
class TestSeedCommand:
    def test_creates_valid_customers(self, seeded):
        customers = list(Customer.objects.select_related("owner"))
        assert len(customers) == 50
        for customer in customers:
            _assert_valid(customer)
            _assert_keys_exact(customer)
        assert len({c.mobile for c in customers}) == 50
        assert any(c.id_number_encrypted for c in customers)
        assert any(c.kind == Customer.Kind.ORGANISATION for c in customers)
        assert TimelineEvent.objects.filter(kind="created").count() == 50
        assert all(c.history.exists() for c in customers[:5])
        organisations = [c for c in customers if c.kind == Customer.Kind.ORGANISATION]
        for organisation in organisations:
            contacts = list(Contact.objects.filter(customer=organisation))
            assert 1 <= len(contacts) <= 3
            assert sum(c.is_decision_maker for c in contacts) == 1
        created = sorted(c.created_at for c in customers)
        assert (created[-1] - created[0]).days > 300  # spread over two years

    def test_seeds_the_pipeline_then_sales(self, seeded):
        assert "Pipeline:" in seeded
        assert "Sales:" in seeded
        assert seeded.index("Pipeline:") < seeded.index("Sales:")
        assert FollowUp.objects.count() > Customer.objects.count()
        assert Contract.objects.filter(is_history=False).count() == 8 * len(DEMO_CONSULTANTS)
        out = StringIO()
        call_command("seed_sales", stdout=out)
        assert "Contracts exist already" in out.getvalue()
        assert Contract.objects.filter(is_history=False).count() == 8 * len(DEMO_CONSULTANTS)

    def test_if_empty_keeps_the_data(self, seeded):
        followups = FollowUp.objects.count()
        out = StringIO()
        call_command("seed", customers=40, if_empty=True, stdout=out)
        assert "nothing seeded" in out.getvalue()
        assert Customer.objects.count() == 50
        assert FollowUp.objects.count() == followups


@pytest.mark.once  # the whole demo through every app: one CI phase runs it
def test_seed_is_deterministic_for_a_seed(db):
    """The customers `guanxi seed --seed 7` writes (the higher apps' demo data is the
    TestSeedCommand's)."""
    from guanxi.customers.demo import ensure_demo_tags, seed_customers_slow

    ensure_demo_tags()
    seed_customers_slow(count=10, seed=7)
    first = list(Customer.objects.order_by("id").values_list("name", "mobile"))
    Customer.objects.all().delete()
    seed_customers_slow(count=10, seed=7)
    assert list(Customer.objects.order_by("id").values_list("name", "mobile")) == first
    assert len(first) == 10


def test_fast_path_writes_correct_dedup_keys(db, org):
    call_command("seed", customers=500, fast=True, verbosity=0)
    assert Customer.objects.count() == 500
    sample = list(Customer.objects.select_related("owner").order_by("id")[:60])
    for customer in sample:
        _assert_valid(customer)
        _assert_keys_exact(customer)
    assert DedupKey.objects.filter(rule="mobile").count() == 500
    assert CustomerTag.objects.exists()
    assert TimelineEvent.objects.filter(kind="created").count() == 500

    person = Customer.objects.filter(kind=Customer.Kind.PERSON).first()
    with pytest.raises(CustomerDuplicate):
        customer_create(
            actor=org["sales1a"], data=CustomerInput(name="新客户", mobile=person.mobile)
        )
    with_id = Customer.objects.exclude(id_number_encrypted="").first()
    number = decrypt(with_id.id_number_encrypted)
    with pytest.raises(CustomerDuplicate):
        customer_create(
            actor=org["sales1a"],
            data=CustomerInput(name="又一个", mobile="13900000001", id_number=number),
        )
    organisation = Customer.objects.filter(kind=Customer.Kind.ORGANISATION).first()
    with pytest.raises(CustomerDuplicate):
        customer_create(
            actor=org["sales1a"],
            data=CustomerInput(kind="organisation", name=organisation.name, mobile="13900000002"),
        )
    # A new customer after the bulk load gets the next id (sequence moved past the load).
    fresh = customer_create(
        actor=org["sales1a"], data=CustomerInput(name="新来的", mobile="13900000003")
    )
    assert fresh.pk > max(c.pk for c in sample)


def test_fast_path_twice_adds_without_collisions(db):
    call_command("seed", customers=300, fast=True, verbosity=0)
    call_command("seed", customers=300, fast=True, seed=2026, verbosity=0)
    assert Customer.objects.count() == 600
    mobiles = Customer.objects.values_list("mobile", flat=True)
    assert len(set(mobiles)) == 600


def test_fast_path_fills_the_phone_search_index(db, org):
    """Issue 13: the bulk load indexes the phones it writes (on SQLite once at the end, its
    insert trigger suspended meanwhile and back afterwards), so partial-phone search finds
    exactly what LIKE finds."""
    from django.db import connection
    from django.db.models import Q

    from guanxi.customers import phone_index
    from guanxi.customers.archive.selectors import CustomerFilters, customer_list_for_user

    call_command("seed", customers=300, fast=True, verbosity=0)
    admin = org["admin"]
    for customer in Customer.objects.order_by("id")[:5]:
        digits = customer.mobile[-6:-2]
        expected = set(
            Customer.objects.filter(Q(mobile__contains=digits), deleted_at__isnull=True)
            .order_by("-id")
            .values_list("pk", flat=True)[:25]
        )
        page = customer_list_for_user(user=admin, filters=CustomerFilters(q=digits))
        assert {c.pk for c in page.items} == expected
        assert customer.pk in expected or len(expected) == 25
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert set(phone_index.TRIGGERS) <= {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "INSERT INTO customers_phone_fts(customers_phone_fts) VALUES ('integrity-check')"
            )
    fresh = Customer.objects.order_by("-id").first()
    Customer.objects.filter(pk=fresh.pk).update(mobile="+8613312344321")
    page = customer_list_for_user(user=admin, filters=CustomerFilters(q="12344321"))
    assert [c.pk for c in page.items] == [fresh.pk]
