from django.urls import path

from toil import views

app_name = "toil"

urlpatterns = [
    path("toil/", views.board, name="board"),
    path("toil/classify/", views.classify, name="classify"),
    path("toil/items/<int:pk>/", views.item_detail, name="item_detail"),
    path("toil/items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("toil/items/<int:pk>/move/", views.item_move, name="item_move"),
    path("toil/items/<int:pk>/log/", views.item_log, name="item_log"),
    path("teams/<slug:slug>/toil/limits/", views.wip_limits, name="wip_limits"),
    path("projects/<slug:slug>/toil/", views.project_board, name="project_board"),
    path("projects/<slug:slug>/toil/new/", views.item_create, name="item_create"),
]
