"""The home page ("my work"), the login page and the error pages."""
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET

from portal import selectors


@method_decorator(login_not_required, name="dispatch")
class PortalLoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@require_GET
def home(request) -> HttpResponse:
    return render(request, "portal/home.html", selectors.my_work(request.user))


def permission_denied(request, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)
