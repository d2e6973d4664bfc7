from django.urls import path

from guanxi.pipeline.board import views

urlpatterns = [
    path("board/", views.board, name="board"),
    path("board/column/<slug:stage>/", views.board_column, name="board_column"),
    path(
        "board/column/<slug:stage>/count/",
        views.board_column_count,
        name="board_column_count",
    ),
    path("board/move/", views.board_move, name="board_move"),
    path(
        "board/card/<int:customer_id>/expectation/",
        views.board_card_expectation,
        name="board_card_expectation",
    ),
]
