"""The API's error contract: every refusal is `{"message", "field", "errors"}` with its status, whatever raised it
(invalid input, a service's ValidationError, a permission, a missing object, a missing token)."""
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

ERROR_STATUSES = {  # documented on every operation of the OpenAPI schema
    "400": "The request body is not valid JSON.",
    "401": "No valid token: send `Authorization: Bearer <token>`; the token may be revoked or expired.",
    "403": "The token's user or scope does not allow this.",
    "404": "Not found.",
    "409": "Someone else saved since the version you sent: read it again, merge, and send the new version.",
    "422": "Invalid input: `field` names the field at fault.",
}


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    message: str
    field: str | None = None
    errors: list[FieldError] = []


def error_response(status: int, message: str, field: str | None = None, errors: list | None = None) -> HttpResponse:
    errors = errors if errors is not None else ([{"field": field, "message": message}] if field else [])
    response = JsonResponse({"message": message, "field": field, "errors": errors}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def _field_from_location(location: list) -> str | None:
    # Ninja reports ("body", "payload", "name") or ("query", "team"): the client knows only the last part.
    names = [str(part) for part in location if part not in ("body", "query", "path", "header", "payload")]
    return ".".join(names) or None


def _invalid_input(request, exc: NinjaValidationError):
    errors = [
        {"field": _field_from_location(list(error.get("loc", []))), "message": str(error.get("msg", _("Invalid value.")))}
        for error in exc.errors
    ]
    first = errors[0] if errors else {"field": None, "message": _("Invalid input.")}
    message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return error_response(422, message, first["field"], errors)


def service_refused(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": None if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": None, "message": message} for message in exc.messages]
    first = errors[0]
    return error_response(422, first["message"], first["field"], errors)


def _forbidden(request, exc: PermissionDenied):
    return error_response(403, str(exc) or _("You are not allowed to do this."))


def _missing(request, exc):
    return error_response(404, str(exc) or _("Not found."))


def _missing_object(request, exc):
    return error_response(404, _("Not found."))


def _unauthenticated(request, exc):
    return error_response(401, _("A valid token is required: send `Authorization: Bearer <token>`. It may be revoked or expired."))


def _http_error(request, exc: HttpError):
    return error_response(exc.status_code, exc.message)


def install(api: NinjaAPI) -> None:
    """Answer every refusal of `api` in the contract's shape."""
    for exception, handler in (
        (NinjaValidationError, _invalid_input), (DjangoValidationError, service_refused), (PermissionDenied, _forbidden),
        (Http404, _missing), (ObjectDoesNotExist, _missing_object), (AuthenticationError, _unauthenticated),
        (HttpError, _http_error),
    ):
        api.add_exception_handler(exception, handler)
