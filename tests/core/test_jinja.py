"""The Jinja2 fragments of the hot pages (issue 13, core.jinja) and the navbar rendered once
per permission set: what they show must not differ from what the Django templates showed."""

import datetime as dt

from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.accounts.models import Role
from guanxi.sales.common.permissions import MANAGE_FLOWS


def _render(source: str, **context) -> str:
    return engines["jinja2"].env.from_string(source).render(context)


def test_fragments_escape_what_they_show_and_keep_safe_strings():
    from django.utils.safestring import mark_safe

    html = _render("{{ a }}|{{ b }}", a='<b>"x"</b>', b=mark_safe("<i>ok</i>"))
    assert html == "&lt;b&gt;&#34;x&#34;&lt;/b&gt;|<i>ok</i>"


def test_date_is_shown_in_the_users_time_zone():
    late = dt.datetime(2026, 1, 1, 20, 0, tzinfo=dt.UTC)  # 2026-01-02 04:00 in Shanghai
    with timezone.override("Asia/Shanghai"):
        assert _render('{{ v|date("Y-m-d") }}', v=late) == "2026-01-02"
    with timezone.override("UTC"):
        assert _render('{{ v|date("Y-m-d") }}', v=late) == "2026-01-01"
    assert _render('{{ v|date("Y-m-d") }}', v=None) == ""


def test_gettext_follows_the_active_language():
    with translation.override("zh-hans"):
        assert _render('{{ _("Customers") }}') == "客户"
    with translation.override("en"):
        assert _render('{{ _("Customers") }}') == "Customers"


def test_project_filters_serve_both_engines():
    assert _render("{{ m|masked_phone }}", m="13800138000") == "138****8000"


def test_the_customer_list_escapes_names(client_for, sales1a, make_customer):
    make_customer(sales1a, name='<script>alert("x")</script>')
    page = client_for(sales1a).get(reverse("customers:list")).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_the_navbar_follows_a_permission_granted_between_two_pages(client_for, sales1a):
    """The menu is cached per set of permissions: a new permission shows its link at once."""
    client = client_for(sales1a)
    flows = reverse("sales:approval_flows")
    assert flows not in client.get(reverse("customers:list")).content.decode()
    role = sales1a.roles.first()
    role.permissions = [*role.permissions, MANAGE_FLOWS]
    role.save(update_fields=["permissions"])
    assert flows in client.get(reverse("customers:list")).content.decode()
    Role.objects.filter(pk=role.pk).update(
        permissions=[p for p in role.permissions if p != MANAGE_FLOWS]
    )
    assert flows not in client.get(reverse("customers:list")).content.decode()


def test_the_navbar_marks_the_section_of_each_page(client_for, sales1a):
    client = client_for(sales1a)
    customers = client.get(reverse("customers:list")).content.decode()
    worklist = client.get(reverse("pipeline:worklist")).content.decode()
    active_customers = (
        '<li class="nav-item dropdown active">\n'
        '          <a class="nav-link dropdown-toggle" href="#nav-customers"'
    )
    active_worklist = (
        '<li class="nav-item active">\n          <a class="nav-link" href="/pipeline/"'
    )
    assert active_customers in customers and active_customers not in worklist
    assert active_worklist in worklist and active_worklist not in customers


def test_numeric_dates_match_djangos_date_filter():
    from django.template.defaultfilters import date as django_date

    moments = [dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC), dt.date(2026, 12, 31)]
    formats = ["Y-m-d", "m-d H:i", "Y-m-d H:i:s", "Y年m月d日", "DATE_FORMAT", "j M Y"]
    for language in ("zh-hans", "en"):
        with translation.override(language), timezone.override("Asia/Shanghai"):
            for value in moments:
                for fmt in formats:
                    if "H" in fmt and not isinstance(value, dt.datetime):
                        continue
                    local = timezone.localtime(value) if isinstance(value, dt.datetime) else value
                    expected = django_date(local, fmt)
                    assert _render("{{ v|date(f) }}", v=value, f=fmt) == expected, (fmt, value)
