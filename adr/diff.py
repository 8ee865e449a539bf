"""A readable diff between two versions of a record, field by field, line by line: two saved versions,
or the saved version and an editor's text when both changed the record at once."""
import difflib
import json

from django.utils.translation import gettext_lazy as _

from adr.models import Adr

LABELS = {
    "title": _("Title"), "status": _("Status"), "status_as_written": _("Status as written"), "decided_on": _("Date"),
    "context": _("Context and problem statement"), "drivers": _("Decision drivers"), "options": _("Considered options"),
    "chosen_option": _("Chosen option"), "outcome": _("Decision outcome"), "consequences": _("Consequences"),
    "confirmation": _("Confirmation"), "more_information": _("More information"), "tags": _("Tags"),
    "decision_makers": _("Decision-makers"), "decision_makers_external": _("Decision-makers outside the portal"),
    "consulted": _("Consulted"), "consulted_external": _("Consulted outside the portal"), "informed": _("Informed"),
    "informed_external": _("Informed outside the portal"), "supersedes": _("Supersedes"), "superseded_by": _("Superseded by"),
    "relates_to": _("Relates to"),
}
# Fields holding the numbers of other records of the project.
LINKED_RECORDS = ("supersedes", "superseded_by", "relates_to")


def _lines(value, name: str = "") -> list[str]:
    if value is None:
        return []
    if name in LINKED_RECORDS:
        return [f"ADR-{number:04d}" for number in value]
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
        for line in difflib.ndiff(_lines(before.get(name), name), _lines(after.get(name), name)):
            if line.startswith("? "):
                continue
            kind = {"+ ": "added", "- ": "removed"}.get(line[:2], "kept")
            lines.append({"kind": kind, "text": line[2:]})
        diffs.append({"field": name, "label": label, "lines": lines})
    return diffs


def _plain(content: dict) -> dict:
    """Text with one kind of line ending: browsers send CRLF, files and the API LF; the text is the same."""
    return {name: "\n".join(value.splitlines()) if isinstance(value, str) else value for name, value in content.items()}


def conflicts(base: dict | None, theirs: dict, mine: dict) -> list[dict]:
    """Every field where the saved version (theirs) and the editor's (mine) differ, for a side-by-side view:
    each side's lines with the differing ones marked, who changed the field since `base` (the version the
    editor started from; None when unknown), and the choice that keeps the change when only one side made
    it. When both changed it there is no such choice: the editor makes it."""
    base, theirs, mine = None if base is None else _plain(base), _plain(theirs), _plain(mine)
    found = []
    for change in field_diffs(theirs, mine):
        name = change["field"]
        they_changed = base is None or base.get(name) != theirs.get(name)
        you_changed = base is None or base.get(name) != mine.get(name)
        changed_by, default = ("both", None) if they_changed and you_changed else ("them", "theirs") if they_changed else ("you", "mine")
        found.append({
            "field": name, "label": change["label"], "changed_by": changed_by, "default": default,
            "theirs": [{"text": line["text"], "differs": line["kind"] == "removed"} for line in change["lines"] if line["kind"] != "added"],
            "mine": [{"text": line["text"], "differs": line["kind"] == "added"} for line in change["lines"] if line["kind"] != "removed"],
        })
    return found


def versions_diff(adr: Adr, old: int, new: int) -> list[dict]:
    contents = dict(adr.revisions.filter(version__in=[old, new]).values_list("version", "content"))
    return field_diffs(contents.get(old, {}), contents.get(new, {}))
