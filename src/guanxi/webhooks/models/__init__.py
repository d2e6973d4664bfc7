"""The app's models, one module per area, all imported here so Django finds them."""

from guanxi.webhooks.models.subscriptions import AllowedHost, Delivery, Subscription

__all__ = ["AllowedHost", "Delivery", "Subscription"]
