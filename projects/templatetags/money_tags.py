"""Amounts on pages, formatted by `projects.common.money`: `{% load money_tags %}` then `{{ amount|money }}`,
`{{ entry.amount|money:entry.currency }}`, `{{ total|money_whole }}` (no cents, for dashboard figures) and
`{{ month.cost_total|money_number }}` (no symbol, in a table whose heading names the currency)."""
from django import template

from projects.common.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str | None = None) -> str:
    return format_money(amount, currency)


@register.filter
def money_whole(amount, currency: str | None = None) -> str:
    return format_money(amount, currency, whole=True)


@register.filter
def money_number(amount, currency: str | None = None) -> str:
    return format_money(amount, currency, symbol=False)
