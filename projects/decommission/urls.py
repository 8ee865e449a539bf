from django.urls import path

from projects.decommission import views

app_name = "decommission"

urlpatterns = [
    path("decommissions/", views.decommission_list, name="list"),
    path("decommissions/<int:pk>/", views.decommission_detail, name="detail"),
    path("decommissions/<int:pk>/decide/", views.decommission_decide, name="decide"),
    path("decommissions/<int:pk>/complete/", views.decommission_complete, name="complete"),
    path("decommissions/<int:pk>/cancel/", views.decommission_cancel, name="cancel"),
    path("decommissions/<int:pk>/items/<int:item_id>/", views.checklist_item, name="item"),
    path("decommissions/<int:pk>/items/<int:item_id>/assign/", views.checklist_assign, name="item_assign"),
    path("projects/<slug:slug>/decommission/", views.decommission_new, name="new"),
]
