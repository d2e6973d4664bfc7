from django.urls import path

from guanxi.sales.fulfilment import views

urlpatterns = [
    path("deliveries/", views.delivery_schedule, name="delivery_schedule"),
    path("fulfilment/c/<int:pk>/", views.contract_fulfilment, name="contract_fulfilment"),
    path("fulfilment/c/<int:pk>/orders/", views.order_create, name="fulfilment_order_create"),
    path(
        "fulfilment/c/<int:pk>/stock-outs/",
        views.stockout_record,
        name="fulfilment_stockout_record",
    ),
    path(
        "fulfilment/orders/<int:order_id>/cancel/",
        views.order_cancel,
        name="fulfilment_order_cancel",
    ),
    path(
        "fulfilment/plans/<int:plan_id>/deliveries/",
        views.delivery_record,
        name="fulfilment_delivery_record",
    ),
]
