from django.urls import path

from projects import views

urlpatterns = [
    path("teams/", views.team_list, name="team_list"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
    path("teams/<slug:slug>/members/add/", views.membership_add, name="membership_add"),
    path("teams/<slug:slug>/members/<int:membership_id>/remove/", views.membership_remove, name="membership_remove"),
]
