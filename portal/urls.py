from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from portal import views
from portal.api import urls as api_urls

pages = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("portfolio/", views.portfolio_page, name="portfolio"),
    path("portfolio/export.csv", views.portfolio_csv, name="portfolio_csv"),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("portal:password_change_done")),
        name="password_change",
    ),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/tokens/", views.api_tokens, name="api_tokens"),
    path("accounts/tokens/new/", views.api_token_create, name="api_token_create"),
    path("accounts/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]

urlpatterns = [
    path("", include((pages, "portal"))),
    path("api/v1/", api_urls()),
    path("admin/", admin.site.urls),
    path("", include("projects.urls")),
    path("", include("projects.ledger.urls")),
    path("", include("projects.decommission.urls")),
    path("", include("toil.urls")),
    path("", include("adr.urls")),
]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
