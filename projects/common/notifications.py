"""Whether the portal tells people about what it records.

History written on someone's behalf — the demo organisation, a restore — records the same events
as a person would, but nobody is to be told about it: run that code under `muted()`.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_muted: ContextVar[bool] = ContextVar("notifications_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def are_muted() -> bool:
    return _muted.get()
