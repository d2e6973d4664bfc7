"""The pipeline board (INT-8): scope, filters, keyset paging, drag-and-drop moves."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.pipeline.board import selectors
from guanxi.pipeline.board.selectors import BoardFilters, board_column_page, board_columns_for_user
from guanxi.pipeline.models import Prospect, Stage, StageMove
from guanxi.pipeline.prospects import services

pytestmark = pytest.mark.django_db


def _at(actor, customer, code):
    services.prospect_set_stage(actor=actor, customer=customer, stage=code)
    return customer


def _card_ids(columns, code):
    column = next(c for c in columns if c.stage.code == code)
    return [p.customer_id for p in column.cards]


def test_stages_shipped():
    assert [s.code for s in Stage.objects.order_by("order")] == [
        "refused",
        "s0",
        "s1",
        "s2",
        "s3",
        "s4",
    ]


def test_board_scope_per_role(sales1a, sales1b, sales2a, manager, make_customer):
    mine = _at(sales1a, make_customer(sales1a, name="甲"), "s1")
    colleague = _at(sales1b, make_customer(sales1b, name="乙"), "s1")
    other_team = _at(sales2a, make_customer(sales2a, name="丙"), "s2")

    assert _card_ids(board_columns_for_user(user=sales1a), "s1") == [mine.pk]
    assert _card_ids(board_columns_for_user(user=sales1a), "s2") == []
    columns = board_columns_for_user(user=manager)
    assert _card_ids(columns, "s1") == [colleague.pk, mine.pk]
    assert _card_ids(columns, "s2") == [other_team.pk]


def test_board_page_shows_cards_and_counts(sales1a, sales1b, make_customer, client_for):
    mine = _at(sales1a, make_customer(sales1a, name="看得见"), "s3")
    _at(sales1b, make_customer(sales1b, name="看不见"), "s3")
    Prospect.objects.filter(customer=mine).update(grade="A")
    response = client_for(sales1a).get(reverse("pipeline:board"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "看得见" in html and "看不见" not in html
    assert reverse("customers:detail", args=[mine.pk]) in html
    assert 'data-count="1"' in html
    assert "Sortable.min.js" in html


def test_board_filters(sales1a, sales1b, manager, make_customer, client_for):
    a = _at(sales1a, make_customer(sales1a, name="甲"), "s1")
    b = _at(sales1b, make_customer(sales1b, name="乙"), "s1")
    Prospect.objects.filter(customer=a).update(grade="B")
    assert _card_ids(
        board_columns_for_user(user=manager, filters=BoardFilters(owner=sales1b.pk)), "s1"
    ) == [b.pk]
    assert _card_ids(
        board_columns_for_user(user=manager, filters=BoardFilters(grade="B")), "s1"
    ) == [a.pk]
    dept = sales1a.department_id
    assert set(
        _card_ids(board_columns_for_user(user=manager, filters=BoardFilters(department=dept)), "s1")
    ) == {
        a.pk,
        b.pk,
    }
    # Through the page: a filter by owner; bad values are ignored, never a 500.
    client = client_for(manager)
    html = client.get(reverse("pipeline:board"), {"owner": sales1b.pk}).content.decode()
    assert "乙" in html and ">甲<" not in html
    assert client.get(reverse("pipeline:board"), {"owner": "x", "tag": "9999"}).status_code == 200


def test_column_keyset_paging(sales1a, make_customer, client_for):
    ids = [_at(sales1a, make_customer(sales1a, name=f"客户{i}"), "s0").pk for i in range(25)]
    stage = Stage.objects.get(code="s0")
    first = board_column_page(user=sales1a, stage=stage, filters=BoardFilters())
    assert [p.customer_id for p in first.cards] == sorted(ids, reverse=True)[:20]
    assert first.count == 25 and not first.count_capped
    assert first.next_cursor == first.cards[-1].customer_id
    second = board_column_page(
        user=sales1a, stage=stage, filters=BoardFilters(), cursor=first.next_cursor
    )
    assert [p.customer_id for p in second.cards] == sorted(ids, reverse=True)[20:]
    assert second.next_cursor is None

    client = client_for(sales1a)
    response = client.get(
        reverse("pipeline:board_column", args=["s0"]), {"cursor": first.next_cursor}
    )
    assert response.status_code == 200
    assert response.content.decode().count("gx-card") == 5
    # A broken cursor or stage: an empty slice or 404, not a 500.
    bad = client.get(reverse("pipeline:board_column", args=["s0"]), {"cursor": "abc"})
    assert bad.status_code == 200
    assert client.get(reverse("pipeline:board_column", args=["nope"])).status_code == 404


def test_board_query_count_does_not_grow(sales1a, make_customer, client_for):
    client = client_for(sales1a)
    _at(sales1a, make_customer(sales1a), "s1")
    client.get(reverse("pipeline:board"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("pipeline:board"))
    for i in range(30):
        _at(sales1a, make_customer(sales1a, name=f"多{i}"), ["s1", "s2"][i % 2])
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("pipeline:board"))
    assert response.status_code == 200
    # Two more queries at most: the columns that now overflow a slice get a capped count.
    assert len(many) <= len(few) + 2


def test_drop_moves_stage_and_shows_guidance(sales1a, make_customer, client_for):
    customer = _at(sales1a, make_customer(sales1a), "s1")
    before = StageMove.objects.filter(customer=customer).count()
    with translation.override("en"):
        response = client_for(sales1a).post(
            reverse("pipeline:board_move"),
            {"customer": customer.pk, "stage": "s2"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    stage = Stage.objects.get(code="s2")
    assert stage.definition.splitlines()[0][:10] in response.content.decode() or (
        stage.definition_en[:10] in response.content.decode()
    )
    assert Prospect.objects.get(customer=customer).stage.code == "s2"
    move = StageMove.objects.filter(customer=customer).order_by("-id").first()
    assert StageMove.objects.filter(customer=customer).count() == before + 1
    assert move.to_stage.code == "s2" and move.from_stage.code == "s1"


def test_refused_drop_changes_nothing(sales1a, sales1b, make_customer, client_for):
    theirs = _at(sales1b, make_customer(sales1b), "s1")
    moves = StageMove.objects.count()
    client = client_for(sales1a)
    response = client.post(reverse("pipeline:board_move"), {"customer": theirs.pk, "stage": "s2"})
    assert response.status_code == 404
    assert "error" in response.json()
    assert Prospect.objects.get(customer=theirs).stage.code == "s1"
    assert StageMove.objects.count() == moves
    # Unknown stage and nonsense ids: clear errors, nothing written.
    mine = _at(sales1a, make_customer(sales1a), "s1")
    moves = StageMove.objects.count()
    assert (
        client.post(
            reverse("pipeline:board_move"), {"customer": mine.pk, "stage": "s9"}
        ).status_code
        == 400
    )
    assert (
        client.post(reverse("pipeline:board_move"), {"customer": "x", "stage": "s2"}).status_code
        == 404
    )
    assert client.get(reverse("pipeline:board_move")).status_code == 405
    assert StageMove.objects.count() == moves


def test_board_requires_login(client):
    response = client.get(reverse("pipeline:board"))
    assert response.status_code == 302


def test_board_shows_shared_hides_deleted_and_expired_shares(
    sales1a, sales2a, make_customer, client_for
):
    import datetime as dt

    from django.utils import timezone

    from guanxi.customers.models import CustomerShare

    shared = _at(sales2a, make_customer(sales2a, name="协作"), "s2")
    expired = _at(sales2a, make_customer(sales2a, name="过期"), "s2")
    gone = _at(sales1a, make_customer(sales1a, name="删除"), "s2")
    CustomerShare.objects.create(customer=shared, user=sales1a)
    CustomerShare.objects.create(
        customer=expired, user=sales1a, expires_at=timezone.now() - dt.timedelta(days=1)
    )
    type(gone).objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    assert _card_ids(board_columns_for_user(user=sales1a), "s2") == [shared.pk]


def test_long_column_count_is_loaded_after_the_page(sales1a, make_customer, client_for):
    for i in range(22):
        _at(sales1a, make_customer(sales1a, name=f"长{i}"), "s0")
    columns = board_columns_for_user(user=sales1a)
    s0 = next(c for c in columns if c.stage.code == "s0")
    assert s0.count_deferred and s0.next_cursor is not None
    client = client_for(sales1a)
    html = client.get(reverse("pipeline:board"), {"grade": ""}).content.decode()
    count_url = reverse("pipeline:board_column_count", args=["s0"])
    assert f'hx-get="{count_url}?grade="' in html
    badge = client.get(count_url).content.decode()
    assert 'data-count="22"' in badge and 'data-capped="0"' in badge
    assert client.get(reverse("pipeline:board_column_count", args=["nope"])).status_code == 404
    assert 'data-count="0"' in client.get(count_url, {"grade": "A"}).content.decode()


# ---------------------------------------------------------------- money on the board (issue 12 §2)


def _expect(customer, amount, *, close_on=None):
    Prospect.objects.filter(customer=customer).update(
        expected_amount=amount, expected_close_on=close_on
    )


def test_columns_run_from_stage_0_to_4_with_refused_last_and_folded(
    sales1a, make_customer, client_for
):
    columns = board_columns_for_user(user=sales1a)
    assert [c.stage.code for c in columns] == ["s0", "s1", "s2", "s3", "s4", "refused"]
    html = client_for(sales1a).get(reverse("pipeline:board")).content.decode()
    positions = [html.index(f'data-stage-column="{code}"') for code in ("s0", "s4", "refused")]
    assert positions == sorted(positions)
    refused = html[positions[2] - 200 : positions[2] + 100]
    assert "gx-board-column--collapsed" in refused and 'data-collapsed-default="1"' in refused
    assert html.count("data-board-toggle") == 6


def test_columns_sum_the_expected_amounts(sales1a, sales1b, make_customer, client_for):
    a = _at(sales1a, make_customer(sales1a, name="甲"), "s3")
    b = _at(sales1a, make_customer(sales1a, name="乙"), "s3")
    _at(sales1a, make_customer(sales1a, name="丙"), "s3")  # no amount: counted, not summed
    foreign = _at(sales1b, make_customer(sales1b, name="丁"), "s3")
    _expect(a, "100000.00", close_on=timezone.localdate() - dt.timedelta(days=1))
    _expect(b, "23456.78")
    _expect(foreign, "999999.00")
    s3 = next(c for c in board_columns_for_user(user=sales1a) if c.stage.code == "s3")
    assert s3.count == 3 and s3.amount == Decimal("123456.78")
    html = client_for(sales1a).get(reverse("pipeline:board")).content.decode()
    assert 'data-amount="123456.78"' in html and "¥123,456.78" in html
    assert "¥100,000.00" in html and "¥999,999.00" not in html
    # the overdue close date is red
    card = html[html.index(f'data-customer="{a.pk}"') :]
    card = card[: card.index("</article>")]
    assert "text-danger" in card


def test_overdue_next_due_is_red(sales1a, make_customer, client_for):
    late = _at(sales1a, make_customer(sales1a, name="迟了"), "s1")
    soon = _at(sales1a, make_customer(sales1a, name="还早"), "s1")
    Prospect.objects.filter(customer=late).update(
        next_due_at=timezone.now() - dt.timedelta(days=2), expected_close_on=None
    )
    Prospect.objects.filter(customer=soon).update(
        next_due_at=timezone.now() + dt.timedelta(days=2), expected_close_on=None
    )
    html = client_for(sales1a).get(reverse("pipeline:board")).content.decode()

    def card(customer):
        part = html[html.index(f'data-customer="{customer.pk}"') :]
        return part[: part.index("</article>")]

    assert "text-danger" in card(late)
    assert "text-danger" not in card(soon)


def test_a_long_column_loads_its_sum_with_its_count(sales1a, make_customer, client_for):
    for i in range(22):
        customer = _at(sales1a, make_customer(sales1a, name=f"长{i}"), "s2")
        _expect(customer, "1000.50")
    client = client_for(sales1a)
    badge = client.get(reverse("pipeline:board_column_count", args=["s2"])).content.decode()
    assert 'data-count="22"' in badge
    assert 'data-amount="22011.00"' in badge and "¥22,011.00" in badge


def test_a_capped_column_sums_its_newest_customers(sales1a, make_customer, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors, "capped_count", lambda qs: (3, True))
    customers = [_at(sales1a, make_customer(sales1a, name=f"顶{i}"), "s4") for i in range(5)]
    for i, customer in enumerate(customers):
        _expect(customer, f"{10**i}.00")
    count, capped, amount = selectors.board_column_count(
        user=sales1a, stage=Stage.objects.get(code="s4"), filters=BoardFilters()
    )
    assert (count, capped) == (3, True)
    assert amount == Decimal("11100.00")  # the newest three: 100 + 1000 + 10000


def test_cards_escape_what_people_typed_and_show_their_figures(sales1a, make_customer, client_for):
    customer = make_customer(sales1a, name='<b onclick="x()">张三</b>')
    Prospect.objects.filter(pk=customer.pk).update(
        stage=Stage.objects.get(code="s1"),
        grade="A",
        expected_amount=Decimal("1234.50"),
        expected_close_on=timezone.localdate() - dt.timedelta(days=1),
        next_due_at=timezone.now() - dt.timedelta(hours=1),
    )
    html = client_for(sales1a).get(reverse("pipeline:board")).content.decode()
    card = html[html.index(f'data-customer="{customer.pk}"') :]
    card = card[: card.index("</article>")]
    assert "<b onclick" not in card and "&lt;b onclick=&#34;x()&#34;&gt;" in card
    assert 'data-amount="1234.50"' in card and "¥1,234.50" in card
    assert "text-danger fw-medium" in card  # the next contact is overdue
    assert 'class="text-danger" title=' in card  # so is the expected close date
    assert f"/customers/{customer.pk}/" in card
    assert reverse("pipeline:board_card_expectation", args=[customer.pk]) in card
