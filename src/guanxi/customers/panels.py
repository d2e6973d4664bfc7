"""Panels that higher apps add to the customer 360 page (ARC-8).

A callback(request=..., customer=...) returns safe HTML or None; panels appear above the tabs
in the order registered. The callback must check what the user may see itself.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from guanxi.core.hooks import Hook
from guanxi.core.http import lazy_panel_html

detail_panels = Hook("customer_detail_panels")


def render_panels(*, request, customer) -> list:
    return [html for html in detail_panels.call_all(request=request, customer=customer) if html]


@dataclass(frozen=True)
class LazyPanel:
    """A panel the 360 page loads when it scrolls into view, so the page pays nothing for it:
    the page carries a placeholder, and htmx fetches `url_name` (with the customer's id), a GET
    view that reads the customer through the scope and answers core.http.panel_response.
    Register an instance: `detail_panels.register(LazyPanel(...))`."""

    panel_id: str
    title: str | Promise
    url_name: str

    def __call__(self, *, request: Any, customer: Any, **kwargs: Any) -> str:
        return lazy_panel_html(
            request,
            panel_id=self.panel_id,
            title=str(self.title),
            url=reverse(self.url_name, args=[customer.pk]),
        )
