"""Writes for personal API tokens, for the idempotency store of API writes, and the managers' weekly digest."""
import hashlib
import secrets
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.models import ApiToken, IdempotencyRecord
from projects import clock, permissions

TOKEN_PREFIX = "mlp_"
TOKEN_MAX_DAYS = 366
# Touching last_used_at on every request would turn each read into a write; once a minute is enough to see use.
LAST_USED_RESOLUTION = timedelta(minutes=1)
IDEMPOTENCY_RETENTION = timedelta(days=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class NewToken(NamedTuple):
    token: ApiToken
    secret: str


@transaction.atomic
def api_token_create(*, actor: User, name: str, scope: str, expires_on: date) -> NewToken:
    """Create a token for the actor. The secret is returned once and never stored."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Log in to create an API token."))
    today = clock.today()
    if expires_on < today + timedelta(days=1):
        raise ValidationError({"expires_on": _("The expiry date must be after today.")})
    if expires_on > today + timedelta(days=TOKEN_MAX_DAYS):
        raise ValidationError({"expires_on": _("A token lives at most a year: pick an earlier date.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    # Valid through the whole expiry day, in the portal's time zone.
    expires_at = timezone.make_aware(datetime.combine(expires_on, time.max))
    token = ApiToken(
        user=actor,
        name=(name or "").strip(),
        prefix=secret[: len(TOKEN_PREFIX) + 8],
        token_hash=hash_token(secret),
        scope=scope,
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return NewToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk and not permissions.is_admin(actor):
        raise PermissionDenied(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The active token with this secret, or None. Records when it was last used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(secret)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


class StoredResponse(NamedTuple):
    status_code: int
    body: Any
    replayed: bool


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def idempotent_write(
    *, user: User, key: str | None, fingerprint: str, write: Callable[[], tuple[int, Any]]
) -> StoredResponse:
    """Run `write` once per (user, key): a retry with the same key gets the stored response and writes nothing.

    The record and the write share one transaction, so a failed write leaves no record and may be retried;
    a concurrent retry waits on the unique key until the first request commits, then replays its response.
    """
    if not key:
        status_code, body = write()
        return StoredResponse(status_code, body, replayed=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            stored = IdempotencyRecord.objects.get(user=user, key=key)
            if stored.fingerprint != fingerprint:
                raise ValidationError(
                    {"Idempotency-Key": _("This key was already used for a different request: use a new key.")}
                )
            return StoredResponse(stored.status_code, stored.body, replayed=True)
        status_code, body = write()
        record.status_code, record.body = status_code, body
        record.save(update_fields=["status_code", "body"])
        return StoredResponse(status_code, body, replayed=False)


def idempotency_purge(*, older_than: timedelta = IDEMPOTENCY_RETENTION) -> int:
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=clock.now() - older_than).delete()
    return deleted


def weekly_digest_send() -> int:
    """Mail the portfolio alerts to every active manager with an address; returns how many were sent."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.db.models import Q

    from portal import portfolio
    from projects.models import MANAGERS_GROUP

    recipients = sorted(set(
        User.objects.filter(Q(groups__name=MANAGERS_GROUP) | Q(is_superuser=True), is_active=True)
        .exclude(email="").values_list("email", flat=True)
    ))
    if not recipients:
        return 0
    overview = portfolio.portfolio_overview()
    body = portfolio.digest_text(overview["alerts"], overview["totals"], settings.PORTAL_BASE_URL)
    count = sum(len(alert.items) for alert in overview["alerts"])
    subject = ngettext("[Portfolio] Weekly digest: %(count)s alert", "[Portfolio] Weekly digest: %(count)s alerts", count) % {"count": count}
    EmailMessage(subject=subject, body=body, bcc=recipients).send()
    return len(recipients)
