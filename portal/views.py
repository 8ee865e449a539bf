"""The home page ("my work"), the login page, the error pages, and the user's API tokens."""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import selectors, services
from portal.forms import ApiTokenForm
from projects.forms import add_service_errors


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


def _tokens_context(request, form: ApiTokenForm | None = None, new_token: services.NewToken | None = None) -> dict:
    return {"tokens": selectors.api_tokens_of(request.user), "form": form or ApiTokenForm(), "new_token": new_token}


@require_GET
def api_tokens(request) -> HttpResponse:
    return render(request, "portal/api_tokens.html", _tokens_context(request))


@require_POST
def api_token_create(request) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            new_token = services.api_token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The secret is shown in this response only, never stored or cached anywhere.
            response = render(request, "portal/api_tokens.html", _tokens_context(request, new_token=new_token))
            add_never_cache_headers(response)
            return response
    return render(request, "portal/api_tokens.html", _tokens_context(request, form), status=400)


@require_POST
def api_token_revoke(request, token_id: int) -> HttpResponse:
    token = get_object_or_404(selectors.api_tokens_of(request.user), pk=token_id)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return redirect("api_tokens")
