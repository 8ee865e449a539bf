"""Amounts as pages show them: with their currency, in the active language's style, rounded for display only."""
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from projects.common.money import format_money

# Babel's French groups thousands with a narrow no-break space (U+202F) and puts a no-break space (U+00A0)
# before the symbol; these are the exact strings it produces.
NNBSP, NBSP = "\u202f", "\u00a0"


def in_language(language: str, *args, **kwargs) -> str:
    with translation.override(language):
        return format_money(*args, **kwargs)


def test_english_puts_the_symbol_first_and_groups_with_commas():
    assert in_language("en", Decimal("22907.79")) == "€22,907.79"


def test_french_groups_with_narrow_no_break_spaces_and_puts_the_symbol_last():
    assert in_language("fr", Decimal("22907.79")) == f"22{NNBSP}907,79{NBSP}€"


def test_the_base_currency_is_the_default(settings):
    settings.PORTAL_BASE_CURRENCY = "GBP"
    assert in_language("en", Decimal("1234.5")) == "£1,234.50"


@pytest.mark.parametrize(("language", "currency", "expected"), [
    ("en", "USD", "$1,234.50"),
    ("en", "GBP", "£1,234.50"),
    ("fr", "USD", f"1{NNBSP}234,50{NBSP}$US"),
    ("fr", "GBP", f"1{NNBSP}234,50{NBSP}£GB"),
])
def test_another_currency_keeps_its_own_symbol(language, currency, expected):
    assert in_language(language, Decimal("1234.5"), currency) == expected


def test_a_currency_without_cents_shows_none():
    assert in_language("en", Decimal("1234.5"), "JPY") == "¥1,235"


def test_no_amount_is_a_dash():
    assert in_language("en", None) == "—"
    assert in_language("fr", None, whole=True) == "—"


def test_a_negative_amount_keeps_its_sign():
    assert in_language("en", Decimal("-22907.79")) == "-€22,907.79"
    assert in_language("fr", Decimal("-22907.79")) == f"-22{NNBSP}907,79{NBSP}€"


def test_whole_units_drop_the_cents_rounding_half_up():
    assert in_language("en", Decimal("22907.79"), whole=True) == "€22,908"
    assert in_language("en", Decimal("22906.50"), whole=True) == "€22,907"
    assert in_language("fr", Decimal("22907.49"), whole=True) == f"22{NNBSP}907{NBSP}€"


def test_cents_round_half_up_from_the_stored_precision():
    assert in_language("en", Decimal("0.12500000000000")) == "€0.13"
    assert in_language("en", Decimal("0.12499999999999")) == "€0.12"


def test_without_the_symbol_the_number_keeps_the_languages_separators():
    assert in_language("en", Decimal("22907.79"), symbol=False) == "22,907.79"
    assert in_language("fr", Decimal("22907.79"), symbol=False) == f"22{NNBSP}907,79"


def test_a_language_babel_does_not_know_reads_as_english():
    assert in_language("tlh", Decimal("22907.79")) == "€22,907.79"


def test_template_filters_format_with_the_same_helper():
    template = Template(
        "{% load money_tags %}{{ amount|money }}|{{ amount|money:'USD' }}|{{ amount|money_whole }}|{{ amount|money_number }}"
    )
    with translation.override("en"):
        assert template.render(Context({"amount": Decimal("22907.79")})) == "€22,907.79|$22,907.79|€22,908|22,907.79"
