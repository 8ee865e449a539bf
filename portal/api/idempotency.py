"""Idempotent writes: a write sent with an `Idempotency-Key` runs once per user and key; a retry gets the stored
response, a refused write keeps nothing."""
import functools
import hashlib
import json
import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from portal import services
from portal.api.auth import SAFE_METHODS, bearer_token
from portal.api.errors import error_response, service_refused

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"


def _payload(request: HttpRequest) -> bytes:
    """What a retry must send again: the body, or for multipart form data (whose boundary changes with every
    send) its fields and the name and content of each file."""
    if request.content_type != "multipart/form-data":
        return request.body
    parts = [f"{name}={value}" for name, values in sorted(request.POST.lists()) for value in values]
    for name, uploads in sorted(request.FILES.lists()):
        for upload in uploads:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            parts.append(f"{name}:{upload.name}:{digest.hexdigest()}")
    return "\n".join(parts).encode()


class _RolledBack(Exception):
    """Carries a refused response out of the idempotency transaction, so nothing of it is kept."""

    def __init__(self, response: HttpResponse):
        self.response = response


def idempotent(view):
    """Writes with an `Idempotency-Key` run once per user and key; a retry gets the stored response."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if request.method in SAFE_METHODS or key is None:
            return view(request, *args, **kwargs)
        if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
            return error_response(
                422, _("The Idempotency-Key is 1 to 255 visible ASCII characters."), IDEMPOTENCY_HEADER
            )
        token = bearer_token(request)
        if token is None or not token.can_write:
            return view(request, *args, **kwargs)

        def write() -> tuple[int, Any]:
            response = view(request, *args, **kwargs)
            if response.status_code >= 400:
                raise _RolledBack(response)
            return response.status_code, json.loads(response.content) if response.content else None

        fingerprint = services.request_fingerprint(method=request.method, path=request.get_full_path(), body=_payload(request))
        try:
            stored = services.idempotent_write(user=token.user, key=key, fingerprint=fingerprint, write=write)
        except _RolledBack as refused:
            return refused.response
        except DjangoValidationError as exc:
            return service_refused(request, exc)
        if stored.body is None:
            response = HttpResponse(status=stored.status_code)
        else:
            response = JsonResponse(stored.body, status=stored.status_code, safe=False)
        if stored.replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    return wrapper
