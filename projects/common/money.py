"""Money as people read it: an amount with its currency, in the style of the active language
(`€22,907.79` in English, `22 907,79 €` in French). The one place amounts are formatted for display;
exports and the API keep the exact stored decimals (exact_decimal)."""
from copy import copy
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision
from django.conf import settings
from django.utils.translation import get_language, to_locale

NO_AMOUNT = "—"
FALLBACK_LANGUAGE = "en"


@lru_cache(maxsize=32)
def _babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK_LANGUAGE)


def format_money(amount, currency: str | None = None, *, whole: bool = False, symbol: bool = True) -> str:
    """`amount` in `currency` (the base currency by default), rounded half up to the currency's cents, or to
    whole units with `whole`. Without `symbol`, the bare number, for a table whose heading names the currency."""
    if amount is None:
        return NO_AMOUNT
    currency = currency or settings.PORTAL_BASE_CURRENCY
    locale = _babel_locale(get_language() or FALLBACK_LANGUAGE)
    digits = 0 if whole else get_currency_precision(currency)
    pattern = copy(locale.currency_formats["standard"] if symbol else locale.decimal_formats[None])
    pattern.frac_prec = (digits, digits)
    # Babel would round half to even; people reading a page expect half up (€0.125 → €0.13).
    rounded = Decimal(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    rounded = rounded if rounded else abs(rounded)  # -0.4 shows as €0, not -€0
    return format_currency(rounded, currency, format=pattern, locale=locale, currency_digits=False)


def exact_decimal(value: Decimal | None, *, min_places: int = 0) -> str:
    """A stored decimal for an export or an API answer: its full precision, no exponent (0E-14 is what a
    spreadsheet misreads), without the storage's padding zeros beyond `min_places`: "1840.00", "0.123456"."""
    whole, _dot, fraction = format(value or Decimal(0), "f").partition(".")
    fraction = fraction.rstrip("0").ljust(min_places, "0")
    text = f"{whole}.{fraction}" if fraction else whole
    return "0" if text == "-0" else text


def exact_money(value: Decimal) -> str:
    """An amount in an API answer or a CSV cell: exact, at least to the cent ("1840.00", "0.123456")."""
    return exact_decimal(value, min_places=2)


def exact_ratio(value: Decimal) -> str:
    """A quotient (value ÷ cost) to six decimals, as the ledger stores it."""
    return exact_money(value.quantize(Decimal("0.000001")))
