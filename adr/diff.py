"""A readable diff between two saved versions of a record, field by field, line by line."""
import difflib
import json

from adr.models import Adr

LABELS = {
    "title": "Title", "status": "Status", "status_as_written": "Status as written", "decided_on": "Date",
    "context": "Context and problem statement", "drivers": "Decision drivers", "options": "Considered options",
    "chosen_option": "Chosen option", "outcome": "Decision outcome", "consequences": "Consequences",
    "confirmation": "Confirmation", "more_information": "More information", "tags": "Tags",
    "decision_makers": "Decision-makers", "decision_makers_external": "Decision-makers outside the portal",
    "consulted": "Consulted", "consulted_external": "Consulted outside the portal", "informed": "Informed",
    "informed_external": "Informed outside the portal", "supersedes": "Supersedes", "superseded_by": "Superseded by",
    "relates_to": "Relates to",
}


def _lines(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        lines = []
        for option in value:
            lines.append(f"Option: {option.get('title', '')}")
            lines.extend(f"  {line}" for line in str(option.get("description", "")).splitlines())
            for kind in ("good", "neutral", "bad"):
                lines.extend(f"  {kind.capitalize()}: {point}" for point in option.get(kind, []))
        return lines
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, str):
        return value.splitlines()
    return [json.dumps(value)]


def field_diffs(before: dict, after: dict) -> list[dict]:
    """For every field that differs: its label and the lines, each marked as kept, added or removed."""
    diffs = []
    for name, label in LABELS.items():
        if before.get(name) == after.get(name):
            continue
        lines = []
        for line in difflib.ndiff(_lines(before.get(name)), _lines(after.get(name))):
            if line.startswith("? "):
                continue
            kind = {"+ ": "added", "- ": "removed"}.get(line[:2], "kept")
            lines.append({"kind": kind, "text": line[2:]})
        diffs.append({"field": name, "label": label, "lines": lines})
    return diffs


def changes_as_diffs(changes: list[dict]) -> list[dict]:
    before = {change["field"]: change["before"] for change in changes}
    after = {change["field"]: change["after"] for change in changes}
    return field_diffs(before, after)


def versions_diff(adr: Adr, old: int, new: int) -> list[dict]:
    contents = dict(adr.revisions.filter(version__in=[old, new]).values_list("version", "content"))
    return field_diffs(contents.get(old, {}), contents.get(new, {}))
