"""A decision's remediation tickets are toil items pointing at it (`ToilItem.remediates`). The toil app owns
their statuses and says here, from its AppConfig.ready(), which of them finish a remediation; the decisions
app reads it without importing the app above it."""
_finished: tuple[str, ...] = ()


def register_finished(statuses) -> None:
    global _finished
    _finished = tuple(str(status) for status in statuses)


def finished() -> tuple[str, ...]:
    """The statuses of a finished remediation ticket."""
    return _finished
