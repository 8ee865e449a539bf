"""Write decision records as MADR 4 markdown files (`NNNN-title.md`) that `importers.parse` reads back
to the same records. Keys MADR 4 does not define (links, the written status, anything kept from an
import, and later the matrix placement) go into extra front-matter keys."""
from pathlib import Path

import yaml
from django.utils.text import slugify

from adr.models import Adr
from adr.services import placement_front_matter


def _people(users, external: list[str]) -> list[str]:
    return sorted(user.username for user in users) + list(external)


def _points(option: dict) -> list[str]:
    lines = []
    for kind, label in (("good", "Good"), ("neutral", "Neutral"), ("bad", "Bad")):
        for point in option.get(kind, []):
            lines.append(f"* {label}, because " + point.replace("\n", "\n  "))
    return lines


def render(adr: Adr) -> str:
    """One record as MADR 4 text. Expects people and links prefetched."""
    front = {"status": adr.status}
    if adr.status_as_written != adr.status:
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


def export_project(project, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    adrs = Adr.objects.filter(project=project).prefetch_related(
        "decision_makers", "consulted", "informed", "supersedes", "superseded_by", "relates_to"
    ).order_by("number")
    for adr in adrs:
        path = directory / file_name(adr)
        path.write_text(render(adr), encoding="utf-8")
        written.append(path)
    return written
