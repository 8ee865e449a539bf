"""Calendar months, as the ledger counts them: a month is known by its first day; and the trailing window the
underwater flag, the portfolio and the toil figures look at."""
from datetime import date

from django.conf import settings

from projects import clock


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def trailing_window(today: date | None = None) -> tuple[date, date]:
    """The complete months the underwater flag looks at: [start, end)."""
    end = month_start(today or clock.today())
    return add_months(end, -settings.LEDGER_UNDERWATER_WINDOW_MONTHS), end
