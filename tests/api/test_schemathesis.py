"""The API keeps its OpenAPI contract (issue 11 §3, INTG-2): schemathesis generates requests
for every operation from /api/v1/openapi.json — valid ones and ones that break the schema —
sends them through the whole Django stack (WSGI, middleware, authentication) with a
consultant's and an admin's token, and runs all of its checks on each answer: no server
error, only documented status codes and content types, bodies and headers as documented,
schema-breaking input refused, methods that are not served answered 405 with Allow.

Deterministic (`derandomize`) and bounded (EXAMPLES per operation and generation mode), so it
runs in `make test`. Half the cases of an operation that takes ids in its path use records
that exist and that the caller may see, so the fuzzer gets past the 404 into the services.

Valid input may still be refused with 422: a rule that JSON Schema cannot state (an owner
outside the caller's scope, a date range, a cursor that was not made by the server, a state
transition) is the services' and is answered with a field error. That is the one relaxation
of schemathesis' defaults (`positive_data_acceptance` also accepts 422).
"""

import collections
import functools
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from guanxi.customers.archive.services import contact_create
from guanxi.customers.archive.validation import ContactInput
from tests.sales.factories import ProductFactory, make_quote, make_signed_contract, place_order
from tests.sales.support import items_of

# the contract of the API document, not of a database: one CI phase runs it (.ci/run)
pytestmark = [pytest.mark.django_db, pytest.mark.once]

EXAMPLES = 4
SHARDS = 4  # every operation is in one shard; shards spread over the xdist workers
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
            }
        }
    }
)


@functools.cache
def load_schema():
    """Once per worker: the document does not depend on the data, and generating it is slow."""
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
    )


@pytest.fixture
def keep_connection():
    """Requests go through Django's WSGI handler, which closes the database connection when
    a request finishes; that would end the test's transaction (on PostgreSQL), so, as Django's
    test client does, the connection is kept open while the fuzzer runs."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def records(sales1a, make_customer):
    """Ids of records the consultant owns (and the admin sees), by path parameter name."""
    customer = make_customer(sales1a, name="契约测试客户", mobile="13800138000")
    contact = contact_create(
        actor=sales1a, customer=customer, data=ContactInput(name="王经理", mobile="13900139000")
    )
    contract = make_signed_contract(sales1a, customer)
    order = place_order(sales1a, contract, (items_of(contract)[0], "2"))
    product = ProductFactory(list_price=Decimal("100.00"))
    quote = make_quote(sales1a, customer, product)
    return {
        "customer_id": customer.pk,
        "customer": customer.pk,
        "contact_id": contact.pk,
        "signing_contact": contact.pk,
        "contract_id": contract.pk,
        "contract_item_id": items_of(contract)[0].pk,
        "order_id": order.pk,
        "plan_id": order.plans.first().pk,
        "product_id": product.pk,
        "product": product.pk,
        "quote_id": quote.pk,
    }


def operations(schema, shard):
    for index, result in enumerate(schema.get_all_operations()):
        if index % SHARDS == shard:
            yield result.ok()


def with_records(value, records):
    """Ids in a body made real in about half the cases (an even id drawn), so valid bodies
    reach the services' rules rather than stopping at "no such record"."""
    if isinstance(value, list):
        return [with_records(item, records) for item in value]
    if not isinstance(value, dict):
        return value
    return {
        key: records[key]
        if key in records and type(item) is int and item % 2 == 0
        else with_records(item, records)
        for key, item in value.items()
    }


def real_ids(records):
    def apply(case):
        case.body = with_records(case.body, records)
        return case

    return apply


def cases(operation, mode, records):
    generated = operation.as_strategy(mode)
    if mode == GenerationMode.POSITIVE:
        # only valid cases: a negative one must stay invalid
        generated = generated.map(real_ids(records))
    known = {
        parameter.name: records[parameter.name]
        for parameter in operation.path_parameters
        if parameter.name in records
    }
    if not known:
        return generated
    with_known = operation.as_strategy(mode, path_parameters=known)
    if mode == GenerationMode.POSITIVE:
        with_known = with_known.map(real_ids(records))
    return st.one_of(generated, with_known)


def fuzz(schema, shard, token, records) -> dict[str, set[str]]:
    """Every failure found, by operation."""
    failures: dict[str, set[str]] = collections.defaultdict(set)
    headers = {"Authorization": f"Bearer {token}"}
    for operation in operations(schema, shard):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz_operation(operation, mode, headers, records, failures[operation.label])
    return {label: found for label, found in failures.items() if found}


def fuzz_operation(operation, mode, headers, records, failures: set[str]) -> None:
    @given(case=cases(operation, mode, records))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # schemathesis raises a FailureGroup (a BaseExceptionGroup) with every check that
        # failed; all of them are collected, for every operation, rather than the first
        try:
            case.call_and_validate(headers=headers)
        except (Exception, BaseExceptionGroup) as exc:
            failures.add(f"{mode.value}: {exc}"[:1500])

    run()


@pytest.mark.parametrize("shard", range(SHARDS))
@pytest.mark.parametrize("role", ["sales1a", "admin_user"])
def test_api_keeps_its_contract(role, shard, request, token_for, records, keep_connection):
    token = token_for(request.getfixturevalue(role))
    failures = fuzz(load_schema(), shard, token, records)
    report = "\n".join(
        f"{label}:\n  " + "\n  ".join(sorted(found)) for label, found in sorted(failures.items())
    )
    assert not failures, report
