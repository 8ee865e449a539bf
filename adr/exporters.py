"""Write decision records as MADR 4 markdown files (`NNNN-title.md`) that `importers.parse` reads back
to the same records. Keys MADR 4 does not define (links, the written status, anything kept from an
import, and later the matrix placement) go into extra front-matter keys; a key with nothing to say is
left out. People are written `Name <username>` so that importing the files back finds the same people."""
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import yaml
from django.http import HttpResponse
from django.utils.text import slugify

from adr.models import Adr
from adr.services import placement_front_matter


def person(user) -> str:
    """How a portal user is written in a file: `Name <username>`, or the username alone without a name."""
    name = user.get_full_name().strip()
    return f"{name} <{user.username}>" if name else user.username


def _people(users, external: list[str]) -> list[str]:
    return sorted((person(user) for user in users), key=str.lower) + list(external)


def _points(option: dict) -> list[str]:
    lines = []
    for kind, label in (("good", "Good"), ("neutral", "Neutral"), ("bad", "Bad")):
        for point in option.get(kind, []):
            lines.append(f"* {label}, because " + point.replace("\n", "\n  "))
    return lines


def render(adr: Adr) -> str:
    """One record as MADR 4 text. Expects people and links prefetched."""
    front = {"status": adr.status}
    if adr.status_as_written and adr.status_as_written != adr.status:
        front["status-as-written"] = adr.status_as_written
    if adr.decided_on:
        front["date"] = adr.decided_on
    for key, users, external in (
        ("decision-makers", adr.decision_makers.all(), adr.decision_makers_external),
        ("consulted", adr.consulted.all(), adr.consulted_external),
        ("informed", adr.informed.all(), adr.informed_external),
    ):
        names = _people(users, external)
        if names:
            front[key] = names
    if adr.tags:
        front["tags"] = list(adr.tags)
    for key, related in (("supersedes", adr.supersedes.all()), ("superseded-by", adr.superseded_by.all()), ("relates-to", adr.relates_to.all())):
        numbers = sorted(other.number for other in related)
        if numbers:
            front[key] = numbers
    front.update(adr.front_matter_extra or {})
    front.update(placement_front_matter(adr.placements.order_by("-placed_at", "-pk").select_related("placed_by").first()))
    front = {key: value for key, value in front.items() if value not in ("", None, [], {})}
    parts = ["---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000) + "---", f"# {adr.title}"]

    def section(heading: str, body: str) -> None:
        if body:
            parts.append(f"{heading}\n\n{body}")

    section("## Context and Problem Statement", adr.context)
    section("## Decision Drivers", adr.drivers)
    section("## Considered Options", "\n".join(f"* {option['title']}" for option in adr.options))
    if adr.chosen_option:
        outcome = f'Chosen option: "{adr.chosen_option}"' + (f", because {adr.outcome}" if adr.outcome else "")
    else:
        outcome = adr.outcome
    if outcome or adr.consequences or adr.confirmation:
        parts.append("## Decision Outcome" + (f"\n\n{outcome}" if outcome else ""))
    section("### Consequences", adr.consequences)
    section("### Confirmation", adr.confirmation)
    detailed = [option for option in adr.options if option.get("description") or _points(option)]
    if detailed:
        parts.append("## Pros and Cons of the Options")
        for option in detailed:
            body = "\n\n".join(part for part in (option.get("description", ""), "\n".join(_points(option))) if part)
            parts.append(f"### {option['title']}\n\n{body}")
    section("## More Information", adr.more_information)
    return "\n\n".join(parts) + "\n"


def file_name(adr: Adr) -> str:
    return f"{adr.number:04d}-{slugify(adr.title)[:60] or 'decision'}.md"


def project_files(project) -> Iterator[tuple[str, str]]:
    """Each of the project's decisions as (file name, MADR text), in number order."""
    adrs = Adr.objects.filter(project=project).prefetch_related(
        "decision_makers", "consulted", "informed", "supersedes", "superseded_by", "relates_to"
    ).order_by("number")
    for adr in adrs:
        yield file_name(adr), render(adr)


def export_project(project, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in project_files(project):
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def project_zip(project) -> bytes:
    """The project's decisions as one zip archive of MADR files, as `export_project` writes them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in project_files(project):
            archive.writestr(f"{project.slug}/{name}", text)
    return buffer.getvalue()


def markdown_download(adr: Adr) -> HttpResponse:
    """One record as a MADR file to save, named as `export_adrs` names it."""
    response = HttpResponse(render(adr), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name(adr)}"'
    return response


def zip_download(project) -> HttpResponse:
    response = HttpResponse(project_zip(project), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-decisions.zip"'
    return response
