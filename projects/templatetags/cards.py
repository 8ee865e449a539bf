"""`{% cards "project" project %}` draws every card the apps registered for a page (projects.cards), in order;
`{% card "project" "toil" project %}` draws one."""
from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from projects import cards as registry

register = template.Library()


def _render(context, card: registry.Card, subject) -> str:
    """As an inclusion tag would: the card's own context, the page's autoescape and CSRF token."""
    values = card.context(context.get("request"), subject)
    new_context = context.new(values)
    if context.get("csrf_token") is not None:
        new_context["csrf_token"] = context["csrf_token"]
    return context.template.engine.get_template(card.template).render(new_context)


@register.simple_tag(takes_context=True)
def cards(context, page: str, subject) -> SafeString:
    drawn = [(html,) for card in registry.cards_of(page) if (html := _render(context, card, subject)).strip()]
    return format_html_join("\n", '<div class="mb-4">{}</div>', drawn)


@register.simple_tag(takes_context=True)
def card(context, page: str, key: str, subject) -> str:
    return _render(context, registry.card(page, key), subject)
