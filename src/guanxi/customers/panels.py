"""Panels that higher apps add to the customer 360 page (ARC-8).

A callback(request=..., customer=...) returns safe HTML or None; panels appear above the tabs
in the order registered. The callback must check what the user may see itself.
"""

from guanxi.core.hooks import Hook

detail_panels = Hook("customer_detail_panels")


def render_panels(*, request, customer) -> list:
    return [html for html in detail_panels.call_all(request=request, customer=customer) if html]
