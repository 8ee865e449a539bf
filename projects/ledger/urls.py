from django.urls import path

from projects.ledger import views

app_name = "ledger"

urlpatterns = [
    path("ledger/", views.ledger_home, name="home"),
    path("ledger/imports/", views.focus_upload, name="focus_upload"),
    path("ledger/imports/<int:pk>/void/", views.focus_void, name="focus_void"),
    path("ledger/rules/", views.rule_add, name="rule_add"),
    path("ledger/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("ledger/rates/", views.rate_set, name="rate_set"),
    path("projects/<slug:slug>/ledger/", views.project_ledger, name="project_ledger"),
    path("projects/<slug:slug>/ledger/export.csv", views.project_ledger_csv, name="project_ledger_csv"),
    path("projects/<slug:slug>/ledger/costs/", views.cost_entry_add, name="cost_add"),
    path("projects/<slug:slug>/ledger/costs/<int:pk>/void/", views.cost_entry_void, name="cost_void"),
    path("projects/<slug:slug>/ledger/values/", views.value_entry_add, name="value_add"),
    path("projects/<slug:slug>/ledger/values/<int:pk>/void/", views.value_entry_void, name="value_void"),
]
