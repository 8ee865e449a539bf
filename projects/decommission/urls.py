from django.urls import path

from projects.decommission import views

urlpatterns = [
    path("decommissions/", views.decommission_list, name="decommission_list"),
    path("decommissions/<int:pk>/", views.decommission_detail, name="decommission_detail"),
    path("decommissions/<int:pk>/decide/", views.decommission_decide, name="decommission_decide"),
    path("decommissions/<int:pk>/complete/", views.decommission_complete, name="decommission_complete"),
    path("decommissions/<int:pk>/cancel/", views.decommission_cancel, name="decommission_cancel"),
    path("decommissions/<int:pk>/items/<int:item_id>/", views.checklist_item, name="decommission_item"),
    path("decommissions/<int:pk>/items/<int:item_id>/assign/", views.checklist_assign, name="decommission_item_assign"),
    path("projects/<slug:slug>/decommission/", views.decommission_new, name="decommission_new"),
]
