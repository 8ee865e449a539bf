from django.urls import path

from adr import views

app_name = "adr"

urlpatterns = [
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/matrix/", views.decision_matrix, name="matrix"),
    path("decisions/matrix/move/", views.decision_matrix_move, name="matrix_move"),
    path("projects/<slug:slug>/adrs/", views.adr_list, name="list"),
    path("projects/<slug:slug>/adrs/new/", views.adr_new, name="new"),
    path("projects/<slug:slug>/adrs/preview/", views.adr_preview, name="preview"),
    path("projects/<slug:slug>/adrs/import/", views.adr_import, name="import"),
    path("projects/<slug:slug>/adrs/export.zip", views.adr_export, name="export"),
    path("projects/<slug:slug>/adrs/<int:number>/", views.adr_detail, name="detail"),
    path("projects/<slug:slug>/adrs/<int:number>/edit/", views.adr_edit, name="edit"),
    path("projects/<slug:slug>/adrs/<int:number>/review/", views.adr_review, name="review"),
    path("projects/<slug:slug>/adrs/<int:number>/comments/", views.comment_add, name="comment_add"),
    path("projects/<slug:slug>/adrs/<int:number>/comments/<int:comment_id>/remove/", views.comment_remove, name="comment_remove"),
    path("projects/<slug:slug>/adrs/<int:number>/placement/", views.adr_place, name="place"),
    path("projects/<slug:slug>/adrs/<int:number>/placement/suggest/", views.placement_suggest, name="placement_suggest"),
    path("projects/<slug:slug>/adrs/<int:number>/tickets/new/", views.ticket_new, name="ticket_new"),
    path("projects/<slug:slug>/adrs/<int:number>/tickets/<int:pk>/edit/", views.ticket_edit, name="ticket_edit"),
    path("projects/<slug:slug>/adrs/<int:number>/tickets/<int:pk>/done/", views.ticket_done, name="ticket_done"),
    path("projects/<slug:slug>/adrs/<int:number>/diff/", views.adr_diff, name="diff"),
    path("projects/<slug:slug>/adrs/<int:number>/madr/", views.adr_madr, name="madr"),
]
