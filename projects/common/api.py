"""Input and output types every app's API router shares: storable text, slugs, ids, dates a script may
send, exact amounts, inline choices and pages. Nothing here is about the domain."""
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator, PlainSerializer

from projects.common.money import exact_money, exact_ratio

SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,60}$"
MAX_PAGE = 100_000
MAX_ID = 2**63 - 1  # BigAutoField: a larger id can only be missing, never a database error


def _storable(value: str) -> str:
    # PostgreSQL refuses NUL characters and lone surrogates; refuse them here as bad input, not as a crash.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("must be valid Unicode text") from error
    return value


Text = Annotated[str, AfterValidator(_storable)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Username = Annotated[str, Field(pattern=r"^[\w.@+-]{1,150}$")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Dates a script may send: wide enough for any real record, narrow enough to keep month arithmetic sane.
ApiDate = Annotated[date, Field(ge=date(1990, 1, 1), le=date(2100, 12, 31))]


def active_users(field: str, usernames: list[str]) -> list[User]:
    """The active users of these usernames, in order and once each; a missing one is refused on `field`."""
    users = {user.username: user for user in User.objects.filter(username__in=usernames, is_active=True)}
    missing = [name for name in usernames if name not in users]
    if missing:
        raise ValidationError({field: _("No active user with the username “%(name)s”.") % {"name": missing[0]}})
    return [users[name] for name in dict.fromkeys(usernames)]


def active_user(field: str, username: str | None) -> User | None:
    """One active user by username (none when none is named); a missing one is refused on `field`."""
    return None if username is None else active_users(field, [username])[0]


def sent_fields(payload: Schema, *, nullable: tuple[str, ...] = ()) -> dict:
    """The fields a partial update sent, the others keep their value; null is refused on a field that cannot
    be empty rather than ignored."""
    sent = payload.model_dump(exclude_unset=True)
    for name, value in sent.items():
        if value is None and name not in nullable:
            raise ValidationError({name: _("This field cannot be null: leave it out to keep its value.")})
    return sent


def username_of(user) -> str | None:
    """A person in an answer: their username, or null when there is nobody (an unassigned item, say)."""
    return user.username if user is not None else None


Money = Annotated[Decimal, PlainSerializer(exact_money, return_type=str)]
# A quotient (value ÷ cost) to six decimals, as the ledger stores it.
Ratio = Annotated[Decimal, PlainSerializer(exact_ratio, return_type=str)]


def one_of(choices: type[TextChoices]):
    """The values of a model's choices, inline in the OpenAPI document: many apps have a `Status`, and
    named enum schemas of the same name would overwrite each other there."""
    return Literal[tuple(choices.values)]


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=200)
