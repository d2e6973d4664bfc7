"""Pages of the customer archive: scope per role, forms, masking, exports, recycle bin."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from guanxi.core.models import AuditLog
from guanxi.customers.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_customers(make_customer, sales1a, sales2a):
    own = make_customer(sales1a, name="张伟明", mobile="13800138000")
    other = make_customer(sales2a, name="李四海", mobile="13900139000")
    return own, other


def _names(response) -> str:
    return response.content.decode()


def _ids(response) -> set[int]:
    return {c.pk for c in response.context["page"].items}


# ---------------------------------------------------------------- scope per role


def test_list_shows_only_own_customers_to_a_consultant(client_for, sales1a, two_customers):
    own, other = two_customers
    response = client_for(sales1a).get(reverse("customers:list"))
    assert response.status_code == 200
    html = _names(response)
    assert own.name in html
    assert other.name not in html


@pytest.mark.parametrize("query", ["李四海", "lsh", "lisihai", "139 0013 9000", "+86 13900139000"])
def test_search_never_finds_other_teams_customers(client_for, sales1a, two_customers, query):
    _own, other = two_customers
    response = client_for(sales1a).get(reverse("customers:list"), {"q": query})
    assert response.status_code == 200
    assert other.pk not in _ids(response)
    assert reverse("customers:detail", args=[other.pk]) not in _names(response)


@pytest.mark.parametrize(
    "query",
    [
        "张伟明",
        "zwm",
        "zhangweiming",
        "138-0013-8000",
        "１３８００１３８０００",
        "008613800138000",
        "(0)13800138000",
        "+86 (0)138 0013 8000",
    ],
)
def test_search_finds_own_customer_in_every_notation(client_for, sales1a, two_customers, query):
    own, _other = two_customers
    response = client_for(sales1a).get(reverse("customers:list"), {"q": query})
    assert _ids(response) == {own.pk}


def test_list_total_arrives_afterwards_and_counts_only_the_scope(
    client_for, sales1a, manager, make_customer
):
    import re

    def total(response) -> int:
        return int(re.search(r"\d[\d,]*", response.content.decode()).group(0).replace(",", ""))

    for i in range(30):
        make_customer(sales1a, name=f"客户{i}")
    make_customer(manager, name="经理的客户")
    page = client_for(sales1a).get(reverse("customers:list"))
    assert reverse("customers:count") in page.content.decode()  # loaded by htmx after the page
    assert total(client_for(sales1a).get(reverse("customers:count"))) == 30
    assert total(client_for(sales1a).get(reverse("customers:count"), {"q": "经理"})) == 0
    assert total(client_for(manager).get(reverse("customers:count"), {"q": "经理"})) == 1
    assert total(client_for(manager).get(reverse("customers:count"))) == 31


def test_guessing_a_detail_url_outside_scope_is_404(client_for, sales1a, two_customers):
    _own, other = two_customers
    client = client_for(sales1a)
    for name in ("detail", "edit", "merge", "timeline"):
        response = client.get(reverse(f"customers:{name}", args=[other.pk]))
        assert response.status_code == 404, name
    response = client.post(reverse("customers:reveal", args=[other.pk, "mobile"]))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["manager", "relations", "admin_user"])
def test_wider_roles_see_both_teams(request, client_for, two_customers, role):
    user = request.getfixturevalue(role)
    html = _names(client_for(user).get(reverse("customers:list")))
    for customer in two_customers:
        assert customer.name in html
        assert (
            client_for(user).get(reverse("customers:detail", args=[customer.pk])).status_code == 200
        )


def test_phones_are_masked_in_the_list_for_everyone(client_for, manager, marketing, two_customers):
    for user in (manager, marketing):
        html = _names(client_for(user).get(reverse("customers:list")))
        assert "138****8000" in html
        assert "13800138000" not in html
        assert "138 0013 8000" not in html


def test_marketing_without_reveal_sees_masked_phone_and_no_show_button(
    client_for, marketing, two_customers
):
    own, _other = two_customers
    html = _names(client_for(marketing).get(reverse("customers:detail", args=[own.pk])))
    assert "138****8000" in html
    assert "13800138000" not in html
    assert reverse("customers:reveal", args=[own.pk, "mobile"]) not in html


def test_id_numbers_never_appear_in_the_list(client_for, manager, make_customer, sales1a):
    make_customer(sales1a, name="身份证客户", id_number="11010519491231002X")
    html = _names(client_for(manager).get(reverse("customers:list")))
    assert "身份证客户" in html
    assert "11010519491231002X" not in html
    assert "110105" not in html


# ---------------------------------------------------------------- reveal


def test_reveal_is_audited_for_users_with_the_permission(client_for, sales1a, two_customers):
    own, _other = two_customers
    response = client_for(sales1a).post(reverse("customers:reveal", args=[own.pk, "mobile"]))
    assert response.status_code == 200
    assert "138 0013 8000" in response.content.decode()
    log = AuditLog.objects.get(action=AuditLog.Action.REVEAL)
    assert log.actor == sales1a
    assert log.target_id == str(own.pk)


def test_reveal_without_permission_is_refused_and_not_audited(client_for, marketing, two_customers):
    own, _other = two_customers
    response = client_for(marketing).post(reverse("customers:reveal", args=[own.pk, "mobile"]))
    assert response.status_code == 403
    assert "13800138000" not in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditLog.Action.REVEAL).exists()


def test_reveal_needs_post(client_for, sales1a, two_customers):
    own, _other = two_customers
    assert (
        client_for(sales1a).get(reverse("customers:reveal", args=[own.pk, "mobile"])).status_code
        == 405
    )


# ---------------------------------------------------------------- create form


def test_create_via_form_normalises_the_mobile(client_for, sales1a):
    response = client_for(sales1a).post(
        reverse("customers:create"),
        {
            "kind": "person",
            "name": "王小明",
            "mobile": "+86 138-0013-8000",
            "tags": "VIP，北京, VIP",
        },
    )
    customer = Customer.objects.get(name="王小明")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert customer.mobile == "+8613800138000"
    assert customer.owner == sales1a
    assert sorted(customer.tags.values_list("name", flat=True)) == ["VIP", "北京"]


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("name", "", "name"),
        ("mobile", "12345", "mobile"),
        ("id_number", "110105194912310021", "id_number"),
        ("name", "长" * 500, "name"),
        ("email", "not-an-email", "email"),
        ("home_postcode", "12", "home_postcode"),
    ],
)
def test_invalid_input_shows_errors_and_creates_nothing(
    client_for, sales1a, field, value, error_field
):
    data = {"kind": "person", "name": "赵六", field: value}
    response = client_for(sales1a).post(reverse("customers:create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert error_field in form.errors
    assert 'class="invalid-feedback' in response.content.decode()
    assert Customer.objects.count() == 0


def test_script_in_notes_is_stored_and_shown_escaped(client_for, sales1a):
    client = client_for(sales1a)
    client.post(
        reverse("customers:create"),
        {"kind": "person", "name": "脚本测试", "notes": "<script>alert(1)</script>"},
    )
    customer = Customer.objects.get(name="脚本测试")
    assert customer.notes == "<script>alert(1)</script>"
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_duplicate_mobile_names_the_owner(client_for, sales1a, sales2a, make_customer):
    make_customer(sales2a, name="原客户", mobile="13700137000")
    response = client_for(sales1a).post(
        reverse("customers:create"), {"kind": "person", "name": "新客户", "mobile": "137 0013 7000"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert str(sales2a) in html
    assert "原客户" not in html
    assert not Customer.objects.filter(name="新客户").exists()


def test_duplicate_of_a_visible_customer_links_to_it(client_for, sales1a, make_customer):
    existing = make_customer(sales1a, name="原客户", mobile="13700137001")
    response = client_for(sales1a).post(
        reverse("customers:create"), {"kind": "person", "name": "新客户", "mobile": "13700137001"}
    )
    assert response.status_code == 200
    assert reverse("customers:detail", args=[existing.pk]) in str(response.context["notice"])
    assert not Customer.objects.filter(name="新客户").exists()


# ---------------------------------------------------------------- edit form


def test_edit_keeps_phone_and_id_number_when_left_blank(client_for, sales1a, make_customer):
    customer = make_customer(
        sales1a, name="编辑客户", mobile="13800138000", id_number="11010519491231002X"
    )
    client = client_for(sales1a)
    page = client.get(reverse("customers:edit", args=[customer.pk])).content.decode()
    assert "11010519491231002X" not in page
    assert "13800138000" not in page
    response = client.post(
        reverse("customers:edit", args=[customer.pk]),
        {"name": "编辑客户二", "mobile": "", "id_number": "", "version": customer.version},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "编辑客户二"
    assert customer.mobile == "+8613800138000"
    assert customer.id_number_masked
    assert customer.version == 2


def test_edit_with_stale_version_reports_a_conflict_and_changes_nothing(
    client_for, sales1a, make_customer
):
    customer = make_customer(sales1a, name="并发客户")
    client = client_for(sales1a)
    stale = customer.version
    first = client.post(
        reverse("customers:edit", args=[customer.pk]), {"name": "第一次", "version": stale}
    )
    assert first.status_code == 302
    second = client.post(
        reverse("customers:edit", args=[customer.pk]), {"name": "第二次", "version": stale}
    )
    assert second.status_code == 200
    assert second.context["conflict"]
    assert reverse("customers:edit", args=[customer.pk]) in second.content.decode()
    customer.refresh_from_db()
    assert customer.name == "第一次"


def test_consultant_cannot_edit_another_teams_customer(client_for, sales1a, two_customers):
    _own, other = two_customers
    response = client_for(sales1a).post(
        reverse("customers:edit", args=[other.pk]), {"name": "改名", "version": other.version}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "李四海"


# ---------------------------------------------------------------- CSRF


def test_post_without_csrf_token_is_refused(sales1a, two_customers):
    own, _other = two_customers
    client = Client(enforce_csrf_checks=True)
    client.force_login(sales1a)
    refused = client.post(reverse("customers:create"), {"kind": "person", "name": "无令牌"})
    assert refused.status_code == 403
    # the site's page in the reader's language, not Django's technical one
    page = refused.content.decode()
    assert "未保存任何内容" in page and "CSRF verification failed" not in page
    assert client.post(reverse("customers:reveal", args=[own.pk, "mobile"])).status_code == 403
    assert not Customer.objects.filter(name="无令牌").exists()
    assert not AuditLog.objects.filter(action=AuditLog.Action.REVEAL).exists()


def test_pages_need_login(client, two_customers):
    response = client.get(reverse("customers:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] or "login" in response["Location"]


# ---------------------------------------------------------------- export


def _csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_export_is_refused_without_permission(client_for, sales1a, two_customers):
    for name in ("export_csv", "export_xlsx"):
        assert client_for(sales1a).get(reverse(f"customers:{name}")).status_code == 403
    assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT).exists()


def test_manager_export_csv_covers_scope_masks_id_and_is_audited(
    client_for, manager, make_customer, sales1a, sales2a, marketing
):
    make_customer(sales1a, name="甲客户", mobile="13800138000", id_number="11010519491231002X")
    make_customer(sales2a, name="乙客户", mobile="13900139000")
    make_customer(marketing, name="市场客户", mobile="13600136000")
    response = client_for(manager).get(reverse("customers:export_csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = _csv_rows(response)
    names = {row[1] for row in rows[1:]}
    assert names == {"甲客户", "乙客户"}
    body = "\n".join(",".join(r) for r in rows)
    assert "11010519491231002X" not in body
    assert "138 0013 8000" in body  # the manager may see full phones
    log = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert log.actor == manager
    assert log.detail["rows"] == 2


def test_export_follows_the_filters_and_masks_phones_without_reveal(
    client_for, marketing, two_customers
):
    response = client_for(marketing).get(reverse("customers:export_csv"), {"q": "zwm"})
    rows = _csv_rows(response)
    assert [row[1] for row in rows[1:]] == ["张伟明"]
    assert rows[1][6] == "138****8000"
    log = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert log.detail["filters"]["q"] == "zwm"
    assert log.detail["rows"] == 1


def test_export_xlsx(client_for, manager, two_customers):
    from openpyxl import load_workbook

    response = client_for(manager).get(reverse("customers:export_xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert {row[1] for row in rows[1:]} == {"张伟明", "李四海"}
    assert AuditLog.objects.get(action=AuditLog.Action.EXPORT).detail["rows"] == 2


def test_consultant_export_never_leaks_other_team(client_for, sales1a, two_customers):
    # A consultant gets EXPORT through an extra role: still only their own scope.
    from guanxi.accounts.models import Role

    role = Role.objects.create(code="exporter", name="导出", permissions=["customer.export"])
    sales1a.roles.add(role)
    response = client_for(sales1a).get(reverse("customers:export_csv"))
    assert response.status_code == 200
    names = {row[1] for row in _csv_rows(response)[1:]}
    assert names == {"张伟明"}


# ---------------------------------------------------------------- query count


def test_list_page_has_no_n_plus_one(
    client_for, manager, sales1a, make_customer, django_assert_max_num_queries
):
    from guanxi.customers.archive.services import customer_set_tags

    for n in range(30):
        customer = make_customer(sales1a, name=f"客户{n}")
        customer_set_tags(actor=sales1a, customer=customer, tags=[f"标签{n % 3}", "通用"])
    client = client_for(manager)
    client.get(reverse("customers:list"))  # warm the session
    # the filters' option lists are not read until the panel is opened
    with django_assert_max_num_queries(9):
        response = client.get(reverse("customers:list"))
    assert response.status_code == 200
    assert len(response.context["page"].items) == 25
    assert response.context["page"].next_cursor
    tagged = client.get(reverse("customers:list"), {"tag": "标签1"})
    assert len(tagged.context["page"].items) == 10
    assert not client.get(reverse("customers:list"), {"tag": "没有"}).context["page"].items


def test_keyset_pagination_and_htmx_fragment(client_for, sales1a, make_customer):
    for n in range(27):
        make_customer(sales1a, name=f"分页{n:02d}")
    client = client_for(sales1a)
    first = client.get(reverse("customers:list"))
    cursor = first.context["page"].next_cursor
    assert cursor
    second = client.get(reverse("customers:list"), {"cursor": cursor})
    first_ids = {c.pk for c in first.context["page"].items}
    second_ids = {c.pk for c in second.context["page"].items}
    assert len(second_ids) == 2
    assert not first_ids & second_ids
    fragment = client.get(
        reverse("customers:list"),
        {"q": "分页01"},
        headers={"HX-Request": "true", "HX-Target": "customer-results"},
    )
    html = fragment.content.decode()
    assert "分页01" in html
    assert "<html" not in html
    bad = client.get(reverse("customers:list"), {"cursor": "garbage"})
    assert bad.status_code == 200


def test_a_malformed_cursor_shows_a_message_and_the_first_page(client_for, sales1a, make_customer):
    customer = make_customer(sales1a, name="第一页")
    client = client_for(sales1a)
    for cursor in ("WzFlOTk5XQ", "WyJcdTAwMDAiXQ", "garbage"):
        for headers in ({}, {"HX-Request": "true", "HX-Target": "customer-results"}):
            response = client.get(reverse("customers:list"), {"cursor": cursor}, headers=headers)
            assert response.status_code == 200
            assert [c.pk for c in response.context["page"].items] == [customer.pk]
            assert "该分页链接已失效。" in response.content.decode()
    bin_page = client.get(reverse("customers:recycle_bin"), {"cursor": "WzFlOTk5XQ"})
    assert bin_page.status_code == 200
    assert "该分页链接已失效。" in bin_page.content.decode()


# ---------------------------------------------------------------- attachments


def test_attachment_upload_download_and_limits(
    client_for, sales1a, sales2a, settings, two_customers
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    own, _other = two_customers
    client = client_for(sales1a)
    url = reverse("customers:attachment_add", args=[own.pk])
    ok = client.post(
        url, {"kind": "other", "file": SimpleUploadedFile("合同.pdf", b"%PDF-1.4 test")}
    )
    assert ok.status_code == 302
    attachment = own.attachments.get()
    download = client.get(reverse("customers:attachment_download", args=[own.pk, attachment.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert (
        client_for(sales2a)
        .get(reverse("customers:attachment_download", args=[own.pk, attachment.pk]))
        .status_code
        == 404
    )

    wrong = client.post(url, {"kind": "other", "file": SimpleUploadedFile("virus.exe", b"MZ")})
    assert wrong.status_code == 422
    assert "virus.exe" not in {a.original_name for a in own.attachments.all()}
    settings.GUANXI_ATTACHMENT_MAX_BYTES = 10
    big = client.post(url, {"kind": "other", "file": SimpleUploadedFile("big.pdf", b"x" * 11)})
    assert big.status_code == 422
    assert own.attachments.count() == 1


# ---------------------------------------------------------------- 360 page


def test_detail_tabs_render(client_for, sales1a, two_customers):
    own, _other = two_customers
    client = client_for(sales1a)
    for tab in ("profile", "contacts", "collaborators", "attachments", "timeline", "history"):
        response = client.get(reverse("customers:detail", args=[own.pk]), {"tab": tab})
        assert response.status_code == 200, tab
        assert own.name in response.content.decode()


def test_contact_add_via_htmx_returns_the_panel(client_for, sales1a, two_customers):
    own, _other = two_customers
    response = client_for(sales1a).post(
        reverse("customers:contact_add", args=[own.pk]),
        {"name": "联系人甲", "mobile": "13500135000", "is_decision_maker": "on"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "联系人甲" in html and "<html" not in html
    assert "135****5000" in html
    contact = own.contacts.get()
    assert contact.is_decision_maker
    bad = client_for(sales1a).post(reverse("customers:contact_add", args=[own.pk]), {"name": ""})
    assert bad.status_code == 422
    assert own.contacts.count() == 1


def test_history_masks_phones(client_for, manager, sales1a, make_customer):
    customer = make_customer(sales1a, name="历史客户", mobile="13800138000")
    client_for(sales1a).post(
        reverse("customers:edit", args=[customer.pk]),
        {"name": "历史客户", "mobile": "13900139000", "version": customer.version},
    )
    html = (
        client_for(manager)
        .get(reverse("customers:detail", args=[customer.pk]), {"tab": "history"})
        .content.decode()
    )
    assert "139****9000" in html
    assert "+8613900139000" not in html


# ---------------------------------------------------------------- recycle bin, handover, merge


def test_recycle_bin_round_trip(client_for, manager, sales1a, two_customers):
    own, _other = two_customers
    client = client_for(manager)
    assert client_for(sales1a).post(reverse("customers:delete", args=[own.pk])).status_code == 403
    assert client.post(reverse("customers:delete", args=[own.pk])).status_code == 302
    own.refresh_from_db()
    assert own.deleted_at is not None
    assert own.pk not in _ids(client.get(reverse("customers:list")))
    assert own.name in client.get(reverse("customers:recycle_bin")).content.decode()
    assert client.get(reverse("customers:detail", args=[own.pk])).status_code == 404
    assert client.post(reverse("customers:restore", args=[own.pk])).status_code == 302
    own.refresh_from_db()
    assert own.deleted_at is None
    assert own.pk in _ids(client.get(reverse("customers:list")))


def test_purge_needs_permission(client_for, manager, admin_user, two_customers):
    own, _other = two_customers
    client_for(manager).post(reverse("customers:delete", args=[own.pk]))
    assert client_for(manager).post(reverse("customers:purge", args=[own.pk])).status_code == 403
    assert Customer.objects.filter(pk=own.pk).exists()
    assert client_for(admin_user).post(reverse("customers:purge", args=[own.pk])).status_code == 302
    assert not Customer.objects.filter(pk=own.pk).exists()


def test_handover_moves_all_customers(
    client_for, admin_user, manager, sales1a, sales1b, make_customer
):
    for n in range(3):
        make_customer(sales1a, name=f"交接{n}")
    assert client_for(manager).get(reverse("customers:handover")).status_code == 403
    response = client_for(admin_user).post(
        reverse("customers:handover"),
        {"from_user": sales1a.pk, "to_user": sales1b.pk, "reason": "离职"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["moved"] == 3
    assert Customer.objects.filter(owner=sales1b).count() == 3


def test_merge_page(client_for, manager, sales1a, make_customer):
    primary = make_customer(sales1a, name="合并甲", mobile="13800138000")
    duplicate = make_customer(sales1a, name="合并甲", mobile="13900139000")
    client = client_for(manager)
    page = client.get(reverse("customers:merge", args=[primary.pk]))
    assert page.status_code == 200
    assert duplicate in page.context["candidates"]
    response = client.post(
        reverse("customers:merge", args=[primary.pk]), {"other": duplicate.pk, "confirm": "1"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == primary.pk
    assert client_for(sales1a).get(reverse("customers:merge", args=[primary.pk])).status_code == 403


def test_reassign(client_for, manager, sales1a, sales1b, make_customer):
    customer = make_customer(sales1a, name="换人")
    response = client_for(manager).post(
        reverse("customers:reassign", args=[customer.pk]), {"to_user": sales1b.pk, "reason": "调整"}
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.owner == sales1b
    mine = make_customer(sales1a, name="自己的")
    assert client_for(sales1a).get(reverse("customers:reassign", args=[mine.pk])).status_code == 403


def test_share_gives_a_colleague_access(client_for, sales1a, sales2a, two_customers):
    own, _other = two_customers
    assert client_for(sales2a).get(reverse("customers:detail", args=[own.pk])).status_code == 404
    response = client_for(sales1a).post(
        reverse("customers:share_add", args=[own.pk]), {"user": sales2a.pk, "can_edit": "0"}
    )
    assert response.status_code == 302
    assert client_for(sales2a).get(reverse("customers:detail", args=[own.pk])).status_code == 200


def test_filter_options_load_when_the_panel_is_opened(client_for, sales1a, manager):
    """Issue 13 §1: no filter used, the list carries the panel closed with its fields loaded by
    htmx when opened (a link without JavaScript); a filter used opens the panel and loads them
    right after the page; ?filters=1 (that link) renders them with the page."""
    client = client_for(manager)
    page = client.get(reverse("customers:list")).content.decode()
    assert 'hx-get="/customers/filters/"' in page and 'name="owner"' not in page
    assert "filters=1" in page
    with_link = client.get(reverse("customers:list"), {"filters": "1"}).content.decode()
    assert 'name="owner"' in with_link and '<details class="gx-filters mt-2" open>' in with_link
    used = client.get(reverse("customers:list"), {"department": sales1a.department_id})
    used_page = used.content.decode()
    assert 'name="owner"' not in used_page
    opened = (
        f'<details class="gx-filters mt-2" open hx-get="/customers/filters/?department='
        f'{sales1a.department_id}" hx-trigger="load"'
    )
    assert opened in used_page
    assert used.status_code == 200
    fields = client.get(
        reverse("customers:filter_fields"),
        {"department": sales1a.department_id},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert fields.lstrip().startswith('<div class="row g-2 mt-1" id="gx-filter-fields">')
    assert f'<option value="{sales1a.department_id}" selected>' in fields


@pytest.mark.parametrize(
    ("who", "sees", "not_sees"),
    [
        ("sales1a", "sales1a", "sales2a"),
        ("manager", "sales2a", None),
        ("sales2a", "sales2a", "sales1a"),
    ],
)
def test_filter_owner_options_stay_in_scope(client_for, who, sees, not_sees, request):
    user = request.getfixturevalue(who)
    fields = client_for(user).get(reverse("customers:filter_fields")).content.decode()
    owners = fields.split('name="owner"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{request.getfixturevalue(sees).pk}"' in owners
    if not_sees:
        assert f'<option value="{request.getfixturevalue(not_sees).pk}"' not in owners


def test_every_filter_select_offers_any_first(client_for, manager):
    """The filters' selects all start with the same empty choice (不限 / Any), the model
    ones too (they had Django's "— 请选择 —")."""
    fields = client_for(manager).get(reverse("customers:filter_fields")).content.decode()
    for name in ("kind", "category", "owner", "department", "source", "industry", "level"):
        select = fields.split(f'name="{name}"', 1)[1].split("</option>", 1)[0]
        assert select.endswith('<option value="" selected>不限'), (name, select)
