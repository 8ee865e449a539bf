from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("teams/", views.team_list, name="team_list"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
    path("teams/<slug:slug>/members/add/", views.membership_add, name="membership_add"),
    path("teams/<slug:slug>/members/<int:membership_id>/remove/", views.membership_remove, name="membership_remove"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<slug:slug>/", views.project_detail, name="project_detail"),
    path("projects/<slug:slug>/edit/", views.project_edit, name="project_edit"),
    path("projects/<slug:slug>/phase/", views.project_phase, name="project_phase"),
    path("projects/<slug:slug>/health/<slug:item>/", views.health_check, name="health_check"),
]
