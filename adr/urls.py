from django.urls import path

from adr import views

urlpatterns = [
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/matrix/", views.decision_matrix, name="decision_matrix"),
    path("decisions/matrix/move/", views.decision_matrix_move, name="decision_matrix_move"),
    path("projects/<slug:slug>/adrs/", views.adr_list, name="adr_list"),
    path("projects/<slug:slug>/adrs/new/", views.adr_new, name="adr_new"),
    path("projects/<slug:slug>/adrs/preview/", views.adr_preview, name="adr_preview"),
    path("projects/<slug:slug>/adrs/import/", views.adr_import, name="adr_import"),
    path("projects/<slug:slug>/adrs/<int:number>/", views.adr_detail, name="adr_detail"),
    path("projects/<slug:slug>/adrs/<int:number>/edit/", views.adr_edit, name="adr_edit"),
    path("projects/<slug:slug>/adrs/<int:number>/review/", views.adr_review, name="adr_review"),
    path("projects/<slug:slug>/adrs/<int:number>/comments/", views.comment_add, name="adr_comment_add"),
    path("projects/<slug:slug>/adrs/<int:number>/comments/<int:comment_id>/remove/", views.comment_remove, name="adr_comment_remove"),
    path("projects/<slug:slug>/adrs/<int:number>/placement/", views.adr_place, name="adr_place"),
    path("projects/<slug:slug>/adrs/<int:number>/placement/suggest/", views.placement_suggest, name="adr_placement_suggest"),
    path("projects/<slug:slug>/adrs/<int:number>/diff/", views.adr_diff, name="adr_diff"),
]
