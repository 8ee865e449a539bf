"""Every write to decision records: create, edit (with optimistic locking), review, supersede,
comment, import. Each checks the actor's rights, validates and runs in a transaction."""
import hashlib
import re
from datetime import date, datetime, timedelta

from django.conf import settings

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from adr import importers
from adr.models import PLACEMENT_QUESTIONS, Adr, AdrRevision, Cell, Comment, OneOffTicket, Placement, ReminderSent, Review, Status, search_document
from projects import clock, permissions
from projects.models import Project

TEXT_FIELDS = ("title", "context", "drivers", "chosen_option", "outcome", "consequences", "confirmation", "more_information")
LIST_FIELDS = ("tags", "decision_makers_external", "consulted_external", "informed_external")
PEOPLE_FIELDS = ("decision_makers", "consulted", "informed")
LINK_FIELDS = ("supersedes", "relates_to")
CONTENT_FIELDS = (*TEXT_FIELDS, "decided_on", "options", *LIST_FIELDS, *PEOPLE_FIELDS, *LINK_FIELDS)


class AdrConflict(ValidationError):
    """Someone saved the record after the editor loaded it; carries what they changed."""

    def __init__(self, *, adr: Adr, since_version: int, changes: list[dict]):
        super().__init__(
            _("%(code)s was changed by someone else (now version %(version)s) while you were editing. "
              "Your text is kept below; look at what changed, then save again.")
            % {"code": adr.code, "version": adr.version}
        )
        self.adr, self.since_version, self.changes = adr, since_version, changes


def adr_content(adr: Adr) -> dict:
    """A record's content as plain data: what a revision keeps and a diff compares."""
    return {
        "title": adr.title, "status": adr.status, "status_as_written": adr.status_as_written,
        "decided_on": adr.decided_on.isoformat() if adr.decided_on else None,
        **{name: getattr(adr, name) for name in TEXT_FIELDS[1:]},
        "options": adr.options,
        **{name: list(getattr(adr, name)) for name in LIST_FIELDS},
        **{name: sorted(user.username for user in getattr(adr, name).all()) for name in PEOPLE_FIELDS},
        "supersedes": sorted(adr.supersedes.values_list("number", flat=True)),
        "superseded_by": sorted(adr.superseded_by.values_list("number", flat=True)),
        "relates_to": sorted(adr.relates_to.values_list("number", flat=True)),
    }


def _require_edit(actor: User, project: Project) -> None:
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied(_("Only members of the project's team can change its decisions."))


def _clean_options(options: list[dict]) -> list[dict]:
    cleaned = []
    for option in options or []:
        title = str(option.get("title", "")).strip()
        points = {kind: [str(point).strip() for point in option.get(kind, []) if str(point).strip()] for kind in ("good", "neutral", "bad")}
        description = str(option.get("description", "")).strip()
        if not title:
            if description or any(points.values()):
                raise ValidationError({"options": _("Every considered option needs a title.")})
            continue
        if len(title) > 200:
            raise ValidationError({"options": _("An option title is at most 200 characters.")})
        cleaned.append({"title": title, "description": description, **points})
    titles = [option["title"].lower() for option in cleaned]
    if len(titles) != len(set(titles)):
        raise ValidationError({"options": _("Two considered options have the same title.")})
    return cleaned


def _assign(adr: Adr, fields: dict) -> dict:
    """Set plain fields on the record; return the many-to-many values to set after saving."""
    relations = {}
    for name, value in fields.items():
        if name in PEOPLE_FIELDS or name in LINK_FIELDS:
            relations[name] = list(value)
        elif name == "options":
            adr.options = _clean_options(value)
        elif name in TEXT_FIELDS:
            setattr(adr, name, (value or "").strip())
        elif name in LIST_FIELDS:
            setattr(adr, name, [item.strip() for item in value if item and item.strip()])
        elif name in ("decided_on", "status", "status_as_written", "front_matter_extra"):
            setattr(adr, name, value)
        else:
            raise TypeError(f"Unknown decision record field: {name}")
    return relations


def _set_relations(adr: Adr, relations: dict, actor: User) -> None:
    for name in PEOPLE_FIELDS:
        if name in relations:
            getattr(adr, name).set(relations[name])
    if "relates_to" in relations:
        others = [other for other in relations["relates_to"] if other.pk != adr.pk]
        if any(other.project_id != adr.project_id for other in others):
            raise ValidationError({"relates_to": _("Related records must belong to the same project.")})
        adr.relates_to.set(others)
    if "supersedes" in relations:
        olds = [old for old in relations["supersedes"] if old.pk != adr.pk]
        if any(old.project_id != adr.project_id for old in olds):
            raise ValidationError({"supersedes": _("A record supersedes records of its own project only.")})
        newly = set(olds) - set(adr.supersedes.all())
        adr.supersedes.set(olds)
        for old in newly:
            _mark_superseded(old, actor=actor, by=adr)


def _mark_superseded(old: Adr, *, actor: User, by: Adr) -> None:
    old = Adr.objects.select_for_update().get(pk=old.pk)
    if old.status == Status.SUPERSEDED:
        return
    old.status, old.status_as_written = Status.SUPERSEDED, ""
    old.version += 1
    old.save(update_fields=["status", "status_as_written", "version", "updated_at"])
    _snapshot(old, actor=actor, reason=_("Superseded by %(code)s.") % {"code": by.code})


def _snapshot(adr: Adr, *, actor: User, reason: str, when=None) -> AdrRevision:
    Adr.objects.filter(pk=adr.pk).update(
        search=search_document()
    )
    return AdrRevision.objects.create(
        adr=adr, version=adr.version, content=adr_content(adr), reason=reason, changed_by=actor, changed_at=when or clock.now()
    )


def next_number(project: Project) -> int:
    highest = Adr.objects.filter(project=project).aggregate(highest=Max("number"))["highest"]
    return 1 if highest is None else highest + 1


@transaction.atomic
def adr_create(*, actor: User, project: Project, title: str, author: User | None = None, number: int | None = None, **fields) -> Adr:
    """Write a new record; it starts as proposed unless an import or the demo says otherwise."""
    _require_edit(actor, project)
    list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk"))
    adr = Adr(project=project, number=next_number(project) if number is None else number, author=author or actor)
    relations = _assign(adr, {"title": title, **fields})
    adr.full_clean(exclude=["search"])
    adr.save()
    _set_relations(adr, relations, actor)
    _snapshot(adr, actor=actor, reason=_("Written."))
    return adr


def _changes(before: dict, after: dict) -> list[dict]:
    return [{"field": name, "before": before.get(name), "after": after.get(name)} for name in after if before.get(name) != after.get(name)]


@transaction.atomic
def adr_update(*, actor: User, adr: Adr, expected_version: int, reason: str = "", **fields) -> Adr:
    """Change a record's content. Refused when someone saved since `expected_version` (nothing is lost:
    the caller still holds its text), and an accepted record needs a reason."""
    adr = Adr.objects.select_for_update().select_related("project").get(pk=adr.pk)
    _require_edit(actor, adr.project)
    if adr.version != expected_version:
        base = AdrRevision.objects.filter(adr=adr, version=expected_version).first()
        raise AdrConflict(adr=adr, since_version=expected_version, changes=_changes(base.content if base else {}, adr_content(adr)))
    reason = (reason or "").strip()
    if adr.status == Status.ACCEPTED and not reason:
        raise ValidationError({"reason": _("This decision is accepted: say why it changes.")})
    before = adr_content(adr)
    relations = _assign(adr, fields)
    if "decision_makers" in relations:
        _require_may_name_decision_makers(actor, adr, relations["decision_makers"])
    adr.full_clean(exclude=["search"])
    adr.save()
    _set_relations(adr, relations, actor)
    if adr_content(adr) == before:
        return adr
    adr.version += 1
    adr.save(update_fields=["version", "updated_at"])
    _snapshot(adr, actor=actor, reason=reason or _("Edited."))
    return adr


def _require_may_name_decision_makers(actor: User, adr: Adr, makers: list[User]) -> None:
    if {user.pk for user in makers} == set(adr.decision_makers.values_list("pk", flat=True)):
        return
    if not permissions.can_name_decision_makers(actor, project=adr.project, author_id=adr.author_id):
        raise ValidationError({"decision_makers": _("Only the record's author or a team lead changes its decision-makers.")})


@transaction.atomic
def adr_review(*, actor: User, adr: Adr, verdict: str, comment: str) -> Review:
    """Accept or reject a proposed record, keeping the sign-off."""
    adr = Adr.objects.select_for_update().select_related("project").get(pk=adr.pk)
    maker_ids = set(adr.decision_makers.values_list("pk", flat=True))
    if not permissions.can_review_decision(actor, project=adr.project, author_id=adr.author_id, decision_maker_ids=maker_ids):
        if actor.pk == adr.author_id:
            raise PermissionDenied(_("You wrote this decision: another decision-maker or a team lead reviews it."))
        raise PermissionDenied(_("Only the decision's decision-makers or a lead of its team review it."))
    if adr.status != Status.PROPOSED:
        raise ValidationError({"verdict": _("Only a proposed decision is reviewed; this one is %(status)s.") % {"status": adr.get_status_display()}})
    if verdict not in Review.Verdict.values:
        raise ValidationError({"verdict": _("Accept or reject.")})
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why, in a sentence or two.")})
    review = Review.objects.create(adr=adr, reviewer=actor, verdict=verdict, comment=comment)
    adr.status, adr.status_as_written = verdict, ""
    # The date the author wrote is the decision's date; without one, the review's day is.
    if adr.decided_on is None:
        adr.decided_on = clock.today()
    if verdict == Status.ACCEPTED:
        adr.accepted_on = clock.today()
    adr.version += 1
    adr.save(update_fields=["status", "status_as_written", "decided_on", "accepted_on", "version", "updated_at"])
    _snapshot(adr, actor=actor, reason=comment)
    return review


@transaction.atomic
def comment_add(*, actor: User, adr: Adr, body: str) -> Comment:
    if not permissions.can_view(actor):
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > 20_000:
        raise ValidationError({"body": _("A comment is at most 20,000 characters.")})
    return Comment.objects.create(adr=adr, author=actor, body=body)


@transaction.atomic
def comment_remove(*, actor: User, comment: Comment) -> Comment:
    """Void a comment: hidden from the page, kept in the audit trail."""
    if not permissions.can_remove_comment(actor, project=comment.adr.project, comment_author_id=comment.author_id):
        raise PermissionDenied(_("Only the comment's author or a lead of the team removes a comment."))
    if comment.removed_at is None:
        comment.removed_at, comment.removed_by = clock.now(), actor
        comment.save(update_fields=["removed_at", "removed_by"])
    return comment


def _fill_ticket(ticket: OneOffTicket, *, title: str, due_on: date | None, link: str = "", owner: User | None = None) -> None:
    ticket.title, ticket.due_on, ticket.link, ticket.owner = (title or "").strip(), due_on, (link or "").strip(), owner
    if owner is not None and not permissions.is_member(owner, ticket.adr.project.team):
        raise ValidationError({"owner": _("The owner of a ticket is a member of the project's team.")})
    ticket.full_clean(exclude=["adr", "created_by"])


@transaction.atomic
def ticket_create(*, actor: User, adr: Adr, **fields) -> OneOffTicket:
    """A one-off remediation ticket of a decision: a due date and perhaps a link, no frequency or minutes."""
    _require_edit(actor, adr.project)
    ticket = OneOffTicket(adr=adr, created_by=actor)
    _fill_ticket(ticket, **fields)
    ticket.save()
    return ticket


@transaction.atomic
def ticket_update(*, actor: User, ticket: OneOffTicket, expected_updated_at, **fields) -> OneOffTicket:
    """Change a ticket's title, due date, link or owner, refused when someone saved it since the form opened."""
    ticket = OneOffTicket.objects.select_for_update().select_related("adr__project__team").get(pk=ticket.pk)
    _require_edit(actor, ticket.adr.project)
    if ticket.updated_at.isoformat() != (expected_updated_at or ""):
        raise ValidationError(_("Someone changed this ticket while you were editing it. Reload the page to see their change."))
    _fill_ticket(ticket, **fields)
    ticket.save()
    return ticket


@transaction.atomic
def ticket_set_done(*, actor: User, ticket: OneOffTicket, done: bool) -> OneOffTicket:
    """Mark a one-off ticket done today (it stops counting as open) or open it again."""
    ticket = OneOffTicket.objects.select_for_update().select_related("adr__project__team").get(pk=ticket.pk)
    _require_edit(actor, ticket.adr.project)
    status = OneOffTicket.Status.DONE if done else OneOffTicket.Status.OPEN
    if ticket.status != status:
        ticket.status, ticket.done_on = status, clock.today() if done else None
        ticket.save(update_fields=["status", "done_on", "updated_at"])
    return ticket


# `Name <username>`, as the export writes a portal user.
NAMED_USERNAME = re.compile(r"^(?P<name>.*?)\s*<(?P<username>[^<>\s]+)>$")


def _user_named(name: str) -> User | None:
    """The portal user a file names: by username, `Name <username>`, or full name, in that order."""
    text = name.strip()
    tagged = NAMED_USERNAME.match(text)
    if tagged:
        user = User.objects.filter(username__iexact=tagged["username"]).first()
        if user is not None:
            return user
        text = tagged["name"]
    key = text.lower()
    if not key:
        return None
    return User.objects.annotate(lower=Lower("username")).filter(lower=key).first() or next(
        (u for u in User.objects.filter(first_name__iexact=key.split(" ")[0]) if u.get_full_name().lower() == key), None
    )


def _people(names: list[str]) -> tuple[list[User], list[str]]:
    """Portal users named in a file, and the names of everyone else as written."""
    users, external = [], []
    for name in names:
        user = _user_named(name)
        if user is None:
            external.append(name.strip())
        elif user not in users:
            users.append(user)
    return users, external


def _parsed_fields(parsed: importers.ParsedAdr) -> dict:
    fields = {name: getattr(parsed, name) for name in (*TEXT_FIELDS, "options", "tags", "status", "status_as_written")}
    # A status written exactly as the portal names it tells nothing more: kept only when it differs.
    if fields["status_as_written"] == fields["status"]:
        fields["status_as_written"] = ""
    fields["decided_on"] = parsed.decided_on
    fields["front_matter_extra"] = {key: value for key, value in parsed.extra.items() if key not in MATRIX_KEYS}
    for name in PEOPLE_FIELDS:
        fields[name], fields[f"{name}_external"] = _people(getattr(parsed, name))
    return fields


def _report(file: str, result: str, reason: str = "", parsed=None, number=None) -> dict:
    return {
        "file": file, "result": result, "reason": reason, "number": number,
        "title": parsed.title if parsed else None, "status": parsed.status if parsed else None,
        "status_as_written": parsed.status_as_written if parsed else None,
        "date": parsed.decided_on.isoformat() if parsed and parsed.decided_on else None,
        "supersedes": list(parsed.supersedes) if parsed else [], "superseded_by": list(parsed.superseded_by) if parsed else [],
    }


@transaction.atomic
def adr_import(*, actor: User, project: Project, files: list[tuple[str, bytes]], keep_signers: bool = False) -> list[dict]:
    """Import markdown files into a project. All or nothing; importing the same files again changes nothing,
    a changed file becomes a new revision of the record it made.

    A placement is signed by the importer, naming in its reason the person the file says placed it;
    `keep_signers` (the operator's `import_adrs` command, moving a whole repository) keeps that person
    as the signer when they have an account.
    """
    _require_edit(actor, project)
    list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk"))
    reports: list[dict] = []
    by_written_number: dict[int, Adr] = {}
    imported: list[tuple[Adr, importers.ParsedAdr, dict]] = []
    taken = set(Adr.objects.filter(project=project).values_list("number", flat=True))
    for name, data in sorted(files, key=lambda item: item[0]):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            reports.append(_report(name, "error", "not UTF-8 text"))
            continue
        try:
            parsed = importers.parse(name, text)
        except importers.NotADecision as error:
            reports.append(_report(name, "skipped", str(error)))
            continue
        except importers.ParseError as error:
            reports.append(_report(name, "error", str(error)))
            continue
        digest = hashlib.sha256(data).hexdigest()
        source = name.rsplit("/", 1)[-1]
        existing = Adr.objects.filter(project=project, source_file=source).first()
        fields = _parsed_fields(parsed)
        if existing is not None:
            if existing.source_hash == digest:
                report = _report(name, "unchanged", "", parsed, existing.number)
                adr = existing
            else:
                try:
                    adr = adr_update(
                        actor=actor, adr=existing, expected_version=existing.version,
                        reason=_("Imported again from %(file)s.") % {"file": source}, **fields,
                    )
                except ValidationError as error:
                    reports.append(_report(name, "error", "; ".join(error.messages), parsed, existing.number))
                    continue
                Adr.objects.filter(pk=adr.pk).update(source_hash=digest)
                report = _report(name, "updated", "", parsed, adr.number)
        else:
            number, reason = parsed.number, ""
            if number is None or number in taken:
                free = max(taken | {0}) + 1 if taken else (1 if number is None else number)
                if number is not None:
                    reason = _("number %(number)s is already taken: given %(free)s") % {"number": number, "free": free}
                number = free
            taken.add(number)
            try:
                adr = adr_create(actor=actor, project=project, number=number, **fields)
            except ValidationError as error:
                reports.append(_report(name, "error", "; ".join(error.messages), parsed))
                continue
            Adr.objects.filter(pk=adr.pk).update(source_file=source, source_hash=digest)
            report = _report(name, "imported", reason, parsed, number)
        try:
            _import_placement(actor, adr, {key: parsed.extra[key] for key in MATRIX_KEYS if key in parsed.extra}, keep_signers)
        except ValidationError as error:
            report["reason"] = "; ".join(filter(None, [report["reason"], _("placement not kept: %(why)s") % {"why": " ".join(error.messages)}]))
        if parsed.number is not None:
            by_written_number.setdefault(parsed.number, adr)
        imported.append((adr, parsed, report))
        reports.append(report)
    _link_imported(actor, project, imported, by_written_number)
    return reports


def _link_imported(actor: User, project: Project, imported: list, by_written_number: dict[int, Adr]) -> None:
    def resolve(number: int) -> Adr | None:
        return by_written_number.get(number) or Adr.objects.filter(project=project, number=number).first()

    for adr, parsed, report in imported:
        if report["result"] == "unchanged":
            continue
        for number in parsed.supersedes:
            old = resolve(number)
            if old and old.pk != adr.pk:
                adr.supersedes.add(old)
        for number in parsed.superseded_by:
            new = resolve(number)
            if new and new.pk != adr.pk:
                new.supersedes.add(adr)
        for number in parsed.relates_to:
            other = resolve(number)
            if other and other.pk != adr.pk:
                adr.relates_to.add(other)
    for adr, _parsed, report in imported:
        if report["result"] == "unchanged":
            continue
        revision = adr.revisions.order_by("-version").first()
        revision.content = adr_content(adr)
        revision.save(update_fields=["content"])


def stale_reminders_send(*, today: date | None = None) -> int:
    """Mail each author and decision-maker of stale proposals once per week; return how many mails went out."""
    today = today or clock.today()
    week = today - timedelta(days=today.weekday())
    stale = Adr.objects.stale()
    makers = Adr.decision_makers.through.objects.filter(adr__in=stale).values_list("user_id", "adr_id")
    adr_ids_by_user: dict[int, set[int]] = {}
    for user_id, adr_id in [*stale.values_list("author_id", "pk"), *makers]:
        adr_ids_by_user.setdefault(user_id, set()).add(adr_id)
    already = set(ReminderSent.objects.filter(week=week, user_id__in=adr_ids_by_user).values_list("user_id", flat=True))
    adrs = {adr.pk: adr for adr in stale.select_related("project")}
    sent = 0
    for user in User.objects.filter(pk__in=set(adr_ids_by_user) - already, is_active=True).exclude(email=""):
        with transaction.atomic():
            _reminder, created = ReminderSent.objects.get_or_create(user=user, week=week)
            if not created:
                continue
            lines = [
                f"- {adrs[pk].project.name} {adrs[pk].code} {adrs[pk].title}: {settings.PORTAL_BASE_URL}{adrs[pk].get_absolute_url()}"
                for pk in sorted(adr_ids_by_user[user.pk])
            ]
            send_mail(
                _("Decisions waiting for review"),
                _("These proposed decisions have waited more than %(days)s days for a review:") % {"days": settings.ADR_STALE_AFTER_DAYS}
                + "\n\n" + "\n".join(lines) + "\n",
                None, [user.email],
            )
            sent += 1
    return sent


def suggest_cell(answers: dict) -> str:
    """Conscious when the trade-off was known and hindsight adds nothing; prudent when alternatives were
    weighed and written down without pressure. The person confirms or overrides."""
    conscious = bool(answers.get("knew_tradeoff")) and not answers.get("hindsight")
    prudent = bool(answers.get("weighed_alternatives")) and not answers.get("under_pressure")
    return f"{'conscious' if conscious else 'unconscious'}_{'prudent' if prudent else 'reckless'}"


def _answered(answers: dict | None) -> tuple[dict, str]:
    """The questionnaire's answers as yes or no, the four questions only, and the cell they suggest."""
    answers = {key: bool(value) for key, value in (answers or {}).items() if key in dict(PLACEMENT_QUESTIONS)}
    return answers, suggest_cell(answers) if answers else ""


@transaction.atomic
def placement_set(
    *, actor: User, adr: Adr, cell: str = "", answers: dict | None = None, reason: str = "",
    revisit_by: date | None = None, placed_at: datetime | None = None, placed_by: User | None = None,
) -> Placement:
    """Place (or re-judge) a decision on the matrix. Its team or a manager may; every placement is kept."""
    if not (permissions.can_edit_project(actor, adr.project) or permissions.can_approve(actor)):
        raise PermissionDenied(_("Only the decision's team or a manager places it on the matrix."))
    list(Adr.objects.select_for_update().filter(pk=adr.pk).values_list("pk"))
    answers, suggested = _answered(answers)
    cell = cell or suggested
    if cell not in Cell.values:
        raise ValidationError({"cell": _("Choose a cell, or answer the questions for a suggestion.")})
    reason = (reason or "").strip()
    previous = adr.placements.order_by("-placed_at", "-pk").first()
    if not reason and (previous is not None or (suggested and cell != suggested)):
        raise ValidationError({"reason": _("Say why: a re-judgement or an overridden suggestion needs a reason.")})
    if cell == Cell.CONSCIOUS_RECKLESS and revisit_by is None:
        raise ValidationError({"revisit_by": _("A conscious and reckless shortcut needs a date to revisit it.")})
    placement = Placement(
        adr=adr, cell=cell, suggested_cell=suggested, answers=answers, reason=reason, revisit_by=revisit_by,
        placed_by=placed_by or actor, placed_at=placed_at or clock.now(),
    )
    placement.full_clean()
    placement.save()
    return placement


MATRIX_KEYS = ("matrix-cell", "matrix-reason", "matrix-revisit-by", "matrix-placed-by", "matrix-placed-at", "matrix-answers")


def placement_front_matter(placement: Placement | None) -> dict:
    """The current placement as extra MADR front-matter keys (what export writes and import reads)."""
    if placement is None:
        return {}
    keys = {"matrix-cell": placement.cell, "matrix-placed-by": placement.placed_by.username,
            "matrix-placed-at": placement.placed_at.isoformat()}
    if placement.reason:
        keys["matrix-reason"] = placement.reason
    if placement.revisit_by:
        keys["matrix-revisit-by"] = placement.revisit_by.isoformat()
    if placement.answers:
        keys["matrix-answers"] = placement.answers
    return keys


def _import_placement(actor: User, adr: Adr, keys: dict, keep_signers: bool) -> None:
    if not keys.get("matrix-cell"):
        return
    revisit = importers._date(keys["matrix-revisit-by"]) if keys.get("matrix-revisit-by") else None
    reason = file_reason = str(keys.get("matrix-reason", ""))
    current = adr.placements.order_by("-placed_at", "-pk").first()
    # The same judgement as the file's (whoever imported it, with or without the note below) is no new placement.
    if current and (current.cell, current.revisit_by) == (keys["matrix-cell"], revisit) and (
        current.reason == file_reason or current.reason.startswith(f"{file_reason} (" if file_reason else "")
    ):
        return
    named = str(keys.get("matrix-placed-by", "")).strip()
    signer = (User.objects.filter(username=named).first() if named and keep_signers else None) or actor
    if named and named != signer.username:
        # The importer signs the placement; the person the file names is kept in its words, not as a signature.
        written = _("Placed by %(name)s, as the imported file says.") % {"name": named}
        reason = f"{file_reason} ({written})" if file_reason else written
    try:
        placed_at = datetime.fromisoformat(str(keys.get("matrix-placed-at")))
    except ValueError:
        placed_at = None
    if placed_at is not None and timezone.is_naive(placed_at):
        placed_at = timezone.make_aware(placed_at)
    answers, suggested = _answered(keys.get("matrix-answers") if isinstance(keys.get("matrix-answers"), dict) else {})
    # An imported placement is taken as written (no suggestion check): the file records a past judgement.
    placement = Placement(
        adr=adr, cell=keys["matrix-cell"], answers=answers, reason=reason, revisit_by=revisit,
        placed_by=signer, placed_at=placed_at or clock.now(), suggested_cell=suggested,
    )
    placement.full_clean()
    placement.save()
