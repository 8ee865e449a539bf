"""Who an API request acts as: a personal token (`Authorization: Bearer <token>`), never a session cookie; the docs
page and the schema for a logged-in person or a valid token."""
import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from portal import services
from portal.api.errors import error_response

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`. Acts as the token's user; a read token may only read.

    Session cookies are never accepted, so a browser cannot be tricked into an API write (no CSRF hole).
    """

    def authenticate(self, request: HttpRequest, token: str):
        api_token = services.api_token_authenticate(secret=token.strip())
        if api_token is None:
            return None
        if request.method not in SAFE_METHODS and not api_token.can_write:
            raise PermissionDenied(_("This token may only read: create a read-and-write token to change data."))
        # Setting request.user also names the user in the audit trail (pghistory's request wrapper).
        request.user = api_token.user
        request.api_token = api_token
        return api_token


def bearer_token(request: HttpRequest):
    """The active token the request carries, for the views that run before ninja's own authentication."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return services.api_token_authenticate(secret=secret.strip()) if scheme.lower() == "bearer" else None


def docs_access(view):
    """The docs page and the OpenAPI document: for a logged-in person or a valid token, like the rest."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated or bearer_token(request) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return error_response(401, _("Log in or send `Authorization: Bearer <token>`."))
        return redirect_to_login(request.get_full_path())

    return wrapper
