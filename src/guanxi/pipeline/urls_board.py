from django.urls import path

from guanxi.pipeline import views_board, views_quotas

urlpatterns = [
    path("board/", views_board.board, name="board"),
    path("board/column/<slug:stage>/", views_board.board_column, name="board_column"),
    path(
        "board/column/<slug:stage>/count/",
        views_board.board_column_count,
        name="board_column_count",
    ),
    path("board/move/", views_board.board_move, name="board_move"),
    path("funnel/", views_board.funnel, name="funnel"),
    path("funnel/export.xlsx", views_board.funnel_export, name="funnel_export"),
    path("team/", views_board.team, name="team"),
    path("team/export.xlsx", views_board.team_export, name="team_export"),
    path("team/quotas/", views_quotas.team_quotas, name="team_quotas"),
]
