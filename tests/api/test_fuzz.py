"""Random JSON bodies never make POST/PATCH /customers answer 500 (a small, schemathesis-free
fuzz with hypothesis)."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guanxi.customers.archive.validation import EDITABLE_FIELDS

pytestmark = pytest.mark.django_db

FIELDS = [*EDITABLE_FIELDS, "tags", "owner_id", "version", "category", "id", "__proto__"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(
        [
            "",
            "13800138000",
            "+86 138 0013 8000",
            "１３８００１３８０００",
            "010-62345678",
            "11010519900307123X",
            "1990-03-07",
            "2099-01-01T00:00:00",
            "person",
            "organisation",
            "M",
            "\x00",
            "x" * 5000,
            "张三",
        ]
    )
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=6,
)
bodies = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8) | values

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def client(token_for, sales1a):
    return Client(headers={"Authorization": f"Bearer {token_for(sales1a)}"})


@FUZZ
@given(body=bodies)
def test_post_customers_never_500(client, body):
    response = client.post("/api/v1/customers", json.dumps(body), "application/json")
    assert response.status_code in (201, 400, 409, 422), (body, response.content[:500])
    assert "detail" in response.json() or response.status_code == 201


@FUZZ
@given(body=bodies)
def test_patch_customer_never_500(client, make_customer, sales1a, body):
    customer = make_customer(sales1a, name="张三")
    response = client.patch(
        f"/api/v1/customers/{customer.pk}", json.dumps(body), "application/json"
    )
    assert response.status_code in (200, 400, 409, 422), (body, response.content[:500])


QUERY_KEYS = [
    "q",
    "kind",
    "category",
    "owner",
    "department",
    "tag",
    "source",
    "industry",
    "level",
    "province",
    "created_from",
    "created_to",
    "sort",
    "cursor",
    "page_size",
]


@FUZZ
@given(params=st.dictionaries(st.sampled_from(QUERY_KEYS), st.text(max_size=30), max_size=6))
def test_list_customers_never_500(client, params):
    response = client.get("/api/v1/customers", params)
    assert response.status_code in (200, 422), (params, response.content[:500])
