"""The cards of the project and team pages. `projects` renders these pages but knows none of the apps above
it: each app registers its cards from its AppConfig.ready() (as it registers its evidence section), and the
page draws them in order with `{% load cards %}{% cards "project" project %}`."""
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

PAGES = ("project", "team")
CardContext = Callable[[HttpRequest | None, object], dict]


@dataclass(frozen=True)
class Card:
    key: str
    order: int
    template: str
    context: CardContext


_cards: dict[str, dict[str, Card]] = {page: {} for page in PAGES}


def register(page: str, key: str, *, order: int, template: str) -> Callable[[CardContext], CardContext]:
    """Register `context(request, subject) -> dict` as the card `key` of `page`, drawn with `template` (a
    template that renders nothing leaves no gap)."""
    if page not in PAGES:
        raise ValueError(f"Unknown page {page!r}: cards go on {', '.join(PAGES)}.")

    def decorator(context: CardContext) -> CardContext:
        _cards[page][key] = Card(key, order, template, context)
        return context

    return decorator


def cards_of(page: str) -> list[Card]:
    return sorted(_cards[page].values(), key=lambda card: (card.order, card.key))


def card(page: str, key: str) -> Card:
    return _cards[page][key]
