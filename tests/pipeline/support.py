"""What several pipeline test modules check the same way."""

from guanxi.customers.models import Customer
from guanxi.pipeline.models import PoolEntry


def assert_pool_column_in_step():
    """Every customer's `public_pool_id` is the pool of its entry, and NULL without one."""
    entries = dict(PoolEntry.objects.values_list("customer_id", "pool_id"))
    columns = dict(
        Customer.objects.filter(public_pool_id__isnull=False).values_list("pk", "public_pool_id")
    )
    assert columns == entries


def page_360(client, customer) -> str:
    """The customer 360 page as the browser shows it once htmx has loaded the intention
    panel into its placeholder (issue 13): the page, then the panel from the placeholder's
    hx-get, put where the placeholder was."""
    import re

    from django.urls import reverse

    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    found = re.search(
        r'<div class="card" id="gx-prospect-panel" hx-get="([^"]+)" hx-trigger="load"'
        r' hx-swap="outerHTML">.*?</div>\s*</div>',
        body,
        re.S,
    )
    assert found, "the 360 page carries the intention panel's placeholder"
    assert found.group(1) == reverse("pipeline:panel_prospect", args=[customer.pk])
    panel = client.get(found.group(1), headers={"HX-Request": "true"})
    assert panel.status_code == 200
    body = body[: found.start()] + panel.content.decode() + body[found.end() :]
    return with_revealed_panels(client, body)


def with_revealed_panels(client, body: str) -> str:
    """The page with every panel htmx loads when it scrolls into view (hx-trigger="revealed")
    loaded into its placeholder, as the browser shows it once scrolled through."""
    import re

    pattern = re.compile(
        r'<div class="card mb-3" id="[^"]+" hx-get="([^"]+)" hx-trigger="revealed"'
        r' hx-swap="outerHTML">.*?</div>\s*</div>',
        re.S,
    )
    while found := pattern.search(body):
        panel = client.get(found.group(1), headers={"HX-Request": "true"})
        assert panel.status_code == 200, found.group(1)
        body = body[: found.start()] + panel.content.decode() + body[found.end() :]
    return body
