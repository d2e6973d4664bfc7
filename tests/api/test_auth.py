"""API authentication (INTG-2): tokens, sessions with CSRF, 401s, the caller's language."""

import re

import pytest
from django.test import Client

from guanxi.accounts.selectors import tokens_of
from guanxi.accounts.services import token_revoke, user_set_language

pytestmark = pytest.mark.django_db


def test_token_authenticates_and_me_describes_the_caller(api_for, sales1a):
    response = api_for(sales1a).get("/api/v1/users/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "sales1a"
    assert body["department"]["name"] == "销售一部"
    assert [r["code"] for r in body["roles"]] == ["consultant"]
    assert body["data_scope"] == {
        "sees_all": False,
        "owner_ids": [sales1a.pk],
        "department_ids": [],
    }
    assert body["permissions"] == ["customer.reveal"]


def test_no_credentials_is_401_json(db):
    response = Client().get("/api/v1/customers")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert "Bearer" in response["WWW-Authenticate"]


def test_unknown_and_malformed_tokens_are_401(db):
    for value in ("Bearer gx_nonsense", "Bearer ", "Bearer nope", "Basic abc", "gx_x"):
        response = Client(headers={"Authorization": value}).get("/api/v1/customers")
        assert response.status_code == 401, value


def test_revoked_token_is_401(token_for, sales1a):
    raw = token_for(sales1a)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/customers").status_code == 200
    token_revoke(token=tokens_of(user=sales1a).get(), actor=sales1a)
    assert client.get("/api/v1/customers").status_code == 401
    # also for unsafe methods: a refused token is a 401, not a CSRF 403
    assert client.post("/api/v1/customers", {"name": "x"}, "application/json").status_code == 401


def test_inactive_users_token_is_401(token_for, sales1a):
    raw = token_for(sales1a)
    sales1a.is_active = False
    sales1a.save()
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/users/me")
    assert response.status_code == 401


def test_session_auth_reads_and_enforces_csrf_on_writes(sales1a):
    from guanxi.customers.models import Customer

    client = Client(enforce_csrf_checks=True)
    client.force_login(sales1a)
    assert client.get("/api/v1/users/me").json()["username"] == "sales1a"
    response = client.post("/api/v1/customers", {"name": "张三"}, "application/json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Customer.objects.exists()
    # with the CSRF cookie and header the same write goes through
    client.get("/api/v1/docs")  # the docs page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/customers", {"name": "张三"}, "application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content
    assert Customer.objects.count() == 1


def test_a_token_cannot_create_tokens(api_for, sales1a):
    from guanxi.accounts.models import ApiToken

    client = api_for(sales1a)
    before = ApiToken.objects.count()
    response = client.post("/api/v1/tokens", {"name": "more"}, "application/json")
    assert response.status_code == 403
    assert ApiToken.objects.count() == before


def test_token_create_list_revoke_through_the_api(api_for, sales1a):
    client = api_for(sales1a)
    browser = Client()
    browser.force_login(sales1a)
    response = browser.post("/api/v1/tokens", {"name": "ERP"}, "application/json")
    assert response.status_code == 201
    raw = response.json()["key"]
    assert raw.startswith("gx_")
    new = Client(headers={"Authorization": f"Bearer {raw}"})
    assert new.get("/api/v1/users/me").status_code == 200
    listed = client.get("/api/v1/tokens").json()
    assert {t["name"] for t in listed} == {"ERP", "tests"}
    assert all("key" not in t for t in listed)
    token_id = next(t["id"] for t in listed if t["name"] == "ERP")
    assert client.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert new.get("/api/v1/users/me").status_code == 401


def test_cannot_revoke_someone_elses_token(api_for, token_for, sales1a, sales2a):
    token_for(sales2a, name="theirs")
    theirs = tokens_of(user=sales2a).get()
    response = api_for(sales1a).delete(f"/api/v1/tokens/{theirs.pk}")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_messages_follow_accept_language_then_user_language(api_for, sales1a):
    bad = {"name": ""}
    zh = api_for(sales1a).post("/api/v1/customers", bad, "application/json")
    assert zh.status_code == 422
    en = api_for(sales1a, language="en").post("/api/v1/customers", bad, "application/json")
    assert en.status_code == 422
    assert en.json()["errors"]["name"] == ["Enter a name."]
    # a type error uses Django's own messages, translated without our catalogue
    wrong = {"name": "x", "visit_minutes": "many"}
    zh = api_for(sales1a, language="zh-hans").post("/api/v1/customers", wrong, "application/json")
    assert _chinese(zh.json()["errors"]["visit_minutes"][0])
    en = api_for(sales1a, language="en").post("/api/v1/customers", wrong, "application/json")
    assert en.json()["errors"]["visit_minutes"] == ["Enter a whole number."]
    # without the header the user's own language is used
    user_set_language(user=sales1a, language="en")
    response = api_for(sales1a).post("/api/v1/customers", {}, "application/json")
    assert response.json()["errors"]["name"] == ["This field is required."]
    user_set_language(user=sales1a, language="zh-hans")
    response = api_for(sales1a).post("/api/v1/customers", {}, "application/json")
    assert _chinese(response.json()["errors"]["name"][0])
    assert "必填" in response.json()["errors"]["name"][0]


def test_openapi_document_lists_the_customer_paths(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/customers",
        "/api/v1/customers/{customer_id}",
        "/api/v1/customers/{customer_id}/reveal",
        "/api/v1/customers/{customer_id}/contacts",
        "/api/v1/contacts/{contact_id}",
        "/api/v1/tags",
        "/api/v1/departments",
        "/api/v1/users/me",
    ):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/v1/customers"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/customers/{customer_id}"])
    schemes = response.json()["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_docs_page_uses_no_cdn(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    # every script, style and link comes from this server (a random nonce may spell "cdn")
    addresses = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert addresses
    assert all(a.startswith("/") and not a.startswith("//") for a in addresses), addresses
    assert "https://" not in html
    assert "http://" not in html


def _chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/customers/", "/api/v1/customers/abc", "/api/v1/nothing", "/api/v2/customers"],
)
def test_an_unknown_api_path_is_a_json_404_in_the_callers_language(api_for, sales1a, path):
    response = api_for(sales1a, language="zh-hans").get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "NoSuchPath" and body["errors"] == {}
    assert path in body["detail"] and "不存在" in body["detail"]
    english = api_for(sales1a, language="en").get(path).json()["detail"]
    assert english.startswith("No such API path")
