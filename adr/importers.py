"""Read decision records from the markdown formats teams keep in their repositories.

MADR 2 (bullet metadata), MADR 3 and 4 (YAML front matter), Nygard / adr-tools (`# 1. Title`,
`Date:`, a `## Status` section) and log4brains (bullet metadata, date-named files). The parser
only reads text; `services.adr_import` decides what to write.
"""
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from adr.models import Status


class NotADecision(Exception):
    """The file is a README, an index or a template: skipped, not an error."""


class ParseError(Exception):
    """The file looks like a decision but cannot be read; the message says why."""


@dataclass
class ParsedAdr:
    title: str
    number: int | None = None
    status: str = Status.ACCEPTED
    status_as_written: str = ""
    decided_on: dt.date | None = None
    context: str = ""
    drivers: str = ""
    options: list[dict] = field(default_factory=list)
    chosen_option: str = ""
    outcome: str = ""
    consequences: str = ""
    confirmation: str = ""
    more_information: str = ""
    tags: list[str] = field(default_factory=list)
    decision_makers: list[str] = field(default_factory=list)
    consulted: list[str] = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    supersedes: list[int] = field(default_factory=list)
    superseded_by: list[int] = field(default_factory=list)
    relates_to: list[int] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


# Non-standard statuses, mapped to the nearest of ours; the written one is kept beside it.
STATUS_WORDS = {
    Status.PROPOSED: ("proposed", "draft", "on hold", "open", "pending", "in progress", "wip", "under review", "review", "suggested"),
    Status.ACCEPTED: ("accepted", "approved", "adopted", "agreed", "done", "decided", "active", "implemented"),
    Status.REJECTED: ("rejected", "declined", "refused", "abandoned", "withdrawn"),
    Status.DEPRECATED: ("deprecated", "obsolete", "retired", "outdated"),
    Status.SUPERSEDED: ("superseded", "replaced"),
}
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
NUMBERED_FILE = re.compile(r"^(\d{1,6})(?=[-_ .])")
NUMBERED_TITLE = re.compile(r"^(?:ADR[-\s]?)?(\d{1,6})(?:[.:]|\s+-)\s+(.+)$", re.I)
META_LINE = re.compile(
    r"^(?:[*-]\s+)?(status|deciders|decision-makers|decision makers|date|tags|consulted|informed)\s*:\s*(.*)$", re.I
)
CHOSEN = re.compile(r'^Chosen option:\s*"(?P<title>[^"]+)"\s*,?\s*(?:because\b\s*)?(?P<why>.*)\Z', re.S | re.I)
POINT = re.compile(r"^(good|neutral|bad)\s*,\s*(?:because\s+)?(.*)\Z", re.S | re.I)
BULLET = re.compile(r"^\s{0,3}(?:[*+-]|\d+\.)\s+(.*)$")
LINK_TARGET = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
RELATIONS = (
    ("superseded_by", re.compile(r"\bsuperseded\s+by\b", re.I)),
    ("supersedes", re.compile(r"\bsupersedes\b", re.I)),
    ("relates_to", re.compile(r"\b(amends|amended by|relates to|related to|clarifies|clarified by|refines|extends)\b", re.I)),
)
SKIPPED_NAMES = {"readme.md", "index.md", "toc.md", "summary.md", "_sidebar.md"}


def map_status(written: str) -> str:
    text = written.strip().lower()
    for status, words in STATUS_WORDS.items():
        if any(text.startswith(word) for word in words):
            return status
    return Status.PROPOSED


def referenced_numbers(text: str) -> list[int]:
    """Numbers of the records a link line points at: `[3. Title](0003-title.md)`, `ADR-0003`, `#3`."""
    numbers = []
    for label, target in LINK_TARGET.findall(text):
        match = re.search(r"(?:^|/)(\d{1,6})[-_]", target) or NUMBERED_TITLE.match(label.strip()) or re.search(r"ADR[-\s]?(\d+)", label, re.I)
        if match:
            numbers.append(int(match.group(1)))
    if not numbers:
        numbers = [int(n) for n in re.findall(r"ADR[-\s]?(\d{1,6})", text, re.I)]
    return numbers


def _people(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else re.split(r"\s*[,;]\s*", str(value).strip().strip("[]"))
    return [str(item).strip() for item in items if str(item).strip()]


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _numbers(value) -> list[int]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    numbers = []
    for item in values:
        if isinstance(item, int):
            numbers.append(item)
        else:
            numbers.extend(referenced_numbers(str(item)) or [int(n) for n in re.findall(r"\d+", str(item))])
    return numbers


def _json_safe(value):
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _split_sections(lines: list[str], marker: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Split lines at headings of one level, ignoring headings inside fenced code."""
    preamble: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    fenced = False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and line.startswith(marker) and not line.startswith(marker + "#"):
            heading = re.sub(r"<!--.*?-->", "", line[len(marker):]).strip()
            sections.append((heading, []))
        elif sections:
            sections[-1][1].append(line)
        else:
            preamble.append(line)
    return preamble, sections


def _text(lines: list[str]) -> str:
    return "\n".join(lines).strip()


def _blocks(lines: list[str]) -> list[tuple[bool, str]]:
    """The lines in order, each bullet item (continuation lines joined) as (True, item), other lines as (False, line)."""
    blocks: list[tuple[bool, str]] = []
    in_item = False
    for line in lines:
        match = BULLET.match(line)
        if match:
            blocks.append((True, match.group(1).strip()))
            in_item = True
        elif in_item and line.startswith("  ") and line.strip():
            blocks[-1] = (True, blocks[-1][1] + "\n" + line.strip())
        else:
            in_item = False
            blocks.append((False, line))
    return blocks


def _bullets(lines: list[str]) -> list[str]:
    return [text for is_item, text in _blocks(lines) if is_item]


def _parse_option(title: str, lines: list[str]) -> dict:
    option = {"title": title, "description": "", "good": [], "neutral": [], "bad": []}
    description = []
    for is_item, text in _blocks(lines):
        match = POINT.match(text) if is_item else None
        if match:
            option[match.group(1).lower()].append(match.group(2).strip())
        else:
            description.append(("* " + text.replace("\n", "\n  ")) if is_item else text)
    option["description"] = _text(description)
    return option


def _parse_outcome(parsed: ParsedAdr, lines: list[str]) -> None:
    main, subsections = _split_sections(lines, "### ")
    text = _text(main)
    match = CHOSEN.match(text)
    if match:
        parsed.chosen_option = match.group("title").strip()
        parsed.outcome = match.group("why").strip()
    else:
        parsed.outcome = text
    for heading, body in subsections:
        name = heading.lower()
        if name == "consequences":
            parsed.consequences = _join(parsed.consequences, _text(body))
        elif name in ("positive consequences", "negative consequences"):
            parsed.consequences = _join(parsed.consequences, f"**{heading}**\n\n{_text(body)}")
        elif name == "confirmation":
            parsed.confirmation = _join(parsed.confirmation, _text(body))
        else:
            parsed.outcome = _join(parsed.outcome, f"### {heading}\n\n{_text(body)}")


def _join(first: str, second: str) -> str:
    return "\n\n".join(part for part in (first, second) if part)


def _read_links(parsed: ParsedAdr, text: str) -> None:
    for line in text.splitlines():
        for attribute, pattern in RELATIONS:
            if pattern.search(line):
                getattr(parsed, attribute).extend(referenced_numbers(line))
                break


def _apply_status(parsed: ParsedAdr, written: str) -> None:
    parsed.status_as_written = written.strip()
    parsed.status = map_status(written)
    if parsed.status == Status.SUPERSEDED:
        parsed.superseded_by.extend(referenced_numbers(written) or _numbers(re.sub(r"(?i)superseded\s+by", "", written)))


def parse(filename: str, text: str) -> ParsedAdr:
    """Read one file. Raises NotADecision for READMEs, indexes and templates, ParseError when unreadable."""
    name = filename.rsplit("/", 1)[-1]
    lowered = name.lower()
    if not lowered.endswith((".md", ".markdown")):
        raise NotADecision("not a markdown file")
    if lowered in SKIPPED_NAMES:
        raise NotADecision("not a decision: a README or an index")
    if "template" in lowered:
        raise NotADecision("not a decision: a template")
    if "\x00" in text:  # a binary file, and PostgreSQL text cannot hold NUL anyway
        raise ParseError("the file holds NUL bytes: it is not a text file")
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    front: dict = {}
    match = FRONT_MATTER.match(text)
    if match:
        try:
            front = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as error:
            raise ParseError(f"the front matter is not valid YAML ({str(error).splitlines()[0]})") from None
        if not isinstance(front, dict):
            raise ParseError("the front matter is not a set of keys and values")
        if front.get("has_children"):
            raise NotADecision("not a decision: an index page")
        text = text[match.end():]
    preamble, chapters = _split_sections(text.split("\n"), "# ")
    if not chapters:
        raise NotADecision("not a decision: no '# title' heading")
    heading, body = chapters[0]
    if "{" in heading and "}" in heading:
        raise NotADecision("not a decision: a template (placeholder title)")
    parsed = ParsedAdr(title=heading)
    numbered = NUMBERED_TITLE.match(heading)
    if numbered:
        parsed.number, parsed.title = int(numbered.group(1)), numbered.group(2).strip()
    file_number = NUMBERED_FILE.match(name)
    if file_number and len(file_number.group(1)) < 8:
        parsed.number = int(file_number.group(1))
    if not parsed.title:
        raise ParseError("the title is empty")
    if len(parsed.title) > 200:
        raise ParseError("the title is longer than 200 characters")

    intro, sections = _split_sections(body, "## ")
    context_intro = []
    for line in intro:
        meta = META_LINE.match(line.strip())
        if not meta:
            context_intro.append(line)
            continue
        key, value = meta.group(1).lower(), meta.group(2).strip()
        if key == "status":
            _apply_status(parsed, value)
        elif key == "date":
            parsed.decided_on = _date(value)
        elif key in ("deciders", "decision-makers", "decision makers"):
            parsed.decision_makers = _people(value)
        elif key == "tags":
            parsed.tags = _people(value)
        else:
            setattr(parsed, key, _people(value))
    parsed.context = _text(context_intro)

    if "status" in front:
        _apply_status(parsed, str(front.pop("status")))
    if "date" in front:
        parsed.decided_on = _date(front.pop("date"))
    for key in ("decision-makers", "deciders"):
        if key in front:
            parsed.decision_makers = _people(front.pop(key))
    for key in ("consulted", "informed", "tags"):
        if key in front:
            setattr(parsed, key, _people(front.pop(key)))
    for key, attribute in (("supersedes", "supersedes"), ("superseded-by", "superseded_by"), ("relates-to", "relates_to")):
        if key in front:
            getattr(parsed, attribute).extend(_numbers(front.pop(key)))
    if "status-as-written" in front:
        parsed.status_as_written = str(front.pop("status-as-written"))
    parsed.extra = _json_safe(front)

    titles: list[str] = []
    details: dict[str, dict] = {}
    for heading, lines in sections:
        name = heading.lower().rstrip(":")
        text = _text(lines)
        if name in ("context and problem statement", "context", "problem statement", "context and problem"):
            parsed.context = _join(parsed.context, text)
        elif name == "decision drivers":
            parsed.drivers = text
        elif name == "considered options":
            titles = _bullets(lines)
        elif name in ("decision outcome", "decision"):
            _parse_outcome(parsed, lines)
        elif name == "consequences":
            parsed.consequences = _join(parsed.consequences, text)
        elif name == "confirmation":
            parsed.confirmation = _join(parsed.confirmation, text)
        elif name in ("pros and cons of the options", "pros and cons of the options considered"):
            _intro, option_sections = _split_sections(lines, "### ")
            for title, option_lines in option_sections:
                details[title.strip().lower()] = _parse_option(title.strip(), option_lines)
        elif name == "status":
            status_lines = [line.strip() for line in lines if line.strip()]
            if status_lines:
                _apply_status(parsed, status_lines[0])
                _read_links(parsed, "\n".join(status_lines[1:]))
                if any(RELATIONS[0][1].match(line) for line in status_lines):
                    parsed.status = Status.SUPERSEDED
        elif name in ("more information", "links"):
            parsed.more_information = _join(parsed.more_information, text if name == "more information" else f"### {heading}\n\n{text}")
            _read_links(parsed, text)
        else:
            parsed.more_information = _join(parsed.more_information, f"### {heading}\n\n{text}")
    for title in titles:
        parsed.options.append(details.pop(title.lower(), {"title": title, "description": "", "good": [], "neutral": [], "bad": []}))
    parsed.options.extend(details.values())
    for attribute in ("supersedes", "superseded_by", "relates_to"):
        setattr(parsed, attribute, sorted(set(getattr(parsed, attribute))))
    if parsed.superseded_by and parsed.status in (Status.ACCEPTED, Status.PROPOSED) and not parsed.status_as_written:
        parsed.status = Status.SUPERSEDED
    return parsed


MAX_UPLOAD_FILES = 500


def uploaded_files(uploads) -> list[tuple[str, bytes]]:
    """The uploaded markdown files as (name, bytes), a zip unpacked (at most MAX_UPLOAD_FILES files and
    ADR_IMPORT_MAX_UNZIPPED_MB once unpacked): the import page and the API take the same uploads."""
    files = []
    for upload in uploads:
        data = upload.read()
        if upload.name.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    members = [info for info in archive.infolist() if not info.is_dir() and not info.filename.startswith("__MACOSX")]
                    if len(members) > MAX_UPLOAD_FILES:
                        raise ValidationError({"files": _("A zip holds at most %(count)s files.") % {"count": MAX_UPLOAD_FILES}})
                    if sum(info.file_size for info in members) > settings.ADR_IMPORT_MAX_UNZIPPED_MB * 1024 * 1024:
                        raise ValidationError({"files": _("%(name)s holds more than %(limit)s MB once unpacked.") % {
                            "name": upload.name, "limit": settings.ADR_IMPORT_MAX_UNZIPPED_MB}})
                    files.extend((info.filename.rsplit("/", 1)[-1], archive.read(info)) for info in members)
            except zipfile.BadZipFile:
                raise ValidationError({"files": _("%(name)s is not a readable zip file.") % {"name": upload.name}}) from None
        else:
            files.append((upload.name, data))
    return files
