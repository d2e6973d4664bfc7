"""Hooks the customers app offers to higher apps (DESIGN: a lower app never imports a higher
one; the higher app registers its callbacks from its AppConfig.ready())."""

from guanxi.core.hooks import Hook

# callback(customer=...) -> a Customer.Category value or None; the most advanced category any
# signal reports wins (ARC-3).
category_signals = Hook("customer_category_signals")
# callback(from_user=..., to_user=..., actor=..., customer_ids=...) moves the departing user's
# deals, contracts and tasks along with the customers (ARC-9).
handover_extensions = Hook("customer_handover")
# callback(primary=..., duplicate=...) for records that need more than the generic
# foreign-key move.
merge_extensions = Hook("customer_merge")
# callback(customer_ids=...) after the owner (and so the department) of these customers
# changed, in the same transaction; records that copy the owner follow.
owners_changed = Hook("customer_owners_changed")
# callback(customer=..., actor=...) at the end of customer_create, in its transaction (the
# pipeline starts the customer's prospect record).
customer_created = Hook("customer_created")
# callback(customer=..., actor=..., fields=...) at the end of customer_update, in its
# transaction; `fields` are the names of the fields the edit gave (webhooks: customer.updated).
customer_updated = Hook("customer_updated")
# callback(customers=[...], actor=...) after customers_create_bulk (the spreadsheet import's new
# customers, a chunk at a time), in its transaction: the batch form of customer_created, and
# every app that listens to customer_created listens here too (a test holds them level).
customers_created = Hook("customers_created")
