"""The decision-record part of the JSON API: the portfolio's records (filtered by project, team,
status, quadrant of the conscious/reckless matrix, tag or text), one record in full or as MADR markdown, and
every write of the decision pages: write a new record (it starts as proposed), edit one against the version
read (a save in between is refused with 409), review, place or re-judge on the matrix, comment, remove a
comment, import markdown files. Each write calls the same service as the page. Mounted by `portal/api/`."""
from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Path, Query, Router, Schema, UploadedFile
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from adr import exporters, importers, selectors, services
from adr.forms import ImportForm
from adr.models import PLACEMENT_QUESTIONS, Adr, Cell, Comment, Review, Status
from projects.common.api import ApiDate, Id, Pages, Slug, Text, Username, active_users, one_of, username_of
from projects.models import Project

AdrStatus = one_of(Status)
# `stale`: proposed for longer than the review reminder allows, as on the decisions page.
StatusFilter = Literal[(*Status.values, "stale")]
Quadrant = one_of(Cell)
Name = Annotated[Text, Field(min_length=1, max_length=120)]
Point = Annotated[Text, Field(max_length=2_000)]
Markdown = Annotated[Text, Field(max_length=20_000)]
Number = Annotated[int, Field(ge=1, le=2_147_483_647)]

router = Router(tags=["decisions"])
project_router = Router(tags=["decisions"])


class OptionSchema(Schema):
    title: Annotated[Text, Field(max_length=200)]
    description: Markdown = ""
    good: list[Point] = Field(default_factory=list, max_length=50)
    neutral: list[Point] = Field(default_factory=list, max_length=50)
    bad: list[Point] = Field(default_factory=list, max_length=50)


def _usernames(users) -> list[str]:
    return [user.username for user in users]


class AdrSummaryOut(Schema):
    project: str
    number: int
    code: str
    title: str
    status: AdrStatus
    decided_on: date | None = Field(..., description="The decision's date as its author wrote it; without one, the day of its review.")
    accepted_on: date | None = Field(..., description="The day a review accepted it; null when no review did.")
    author: str
    tags: list[str]
    decision_makers: list[str] = Field(..., description="Portal users (usernames), then people outside the portal as written.")
    quadrant: Quadrant | None = Field(..., description="The current cell on the conscious/reckless matrix; null when not placed.")
    revisit_by: date | None = Field(..., description="When a conscious and reckless shortcut is to be revisited.")
    version: int
    created_at: datetime
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_project(adr: Adr) -> str:
        return adr.project.slug

    @staticmethod
    def resolve_author(adr: Adr) -> str:
        return adr.author.username

    @staticmethod
    def resolve_decision_makers(adr: Adr) -> list[str]:
        return _usernames(adr.decision_makers.all()) + list(adr.decision_makers_external)

    @staticmethod
    def resolve_quadrant(adr: Adr) -> str | None:
        return adr.current_cell

    @staticmethod
    def resolve_revisit_by(adr: Adr) -> date | None:
        return adr.current_revisit_by

    @staticmethod
    def resolve_url(adr: Adr) -> str:
        return f"/projects/{adr.project.slug}/adrs/{adr.number}/"


class PlacementOut(Schema):
    cell: Quadrant
    suggested_cell: str
    reason: str
    revisit_by: date | None
    placed_by: str
    placed_at: datetime

    @staticmethod
    def resolve_placed_by(placement) -> str:
        return placement.placed_by.username


class ReviewOut(Schema):
    reviewer: str
    verdict: one_of(Review.Verdict)
    comment: str
    reviewed_at: datetime

    @staticmethod
    def resolve_reviewer(review: Review) -> str:
        return review.reviewer.username


class AdrOut(AdrSummaryOut):
    status_as_written: str
    context: str
    drivers: str
    options: list[OptionSchema]
    chosen_option: str
    outcome: str
    consequences: str
    confirmation: str
    more_information: str
    consulted: list[str]
    informed: list[str]
    supersedes: list[int] = Field(..., description="Numbers of the records of the same project this one replaces.")
    superseded_by: list[int]
    relates_to: list[int]
    placements: list[PlacementOut] = Field(..., description="Every judgement on the matrix, oldest first.")
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_consulted(adr: Adr) -> list[str]:
        return _usernames(adr.consulted.all()) + list(adr.consulted_external)

    @staticmethod
    def resolve_informed(adr: Adr) -> list[str]:
        return _usernames(adr.informed.all()) + list(adr.informed_external)

    @staticmethod
    def resolve_supersedes(adr: Adr) -> list[int]:
        return sorted(other.number for other in adr.supersedes.all())

    @staticmethod
    def resolve_superseded_by(adr: Adr) -> list[int]:
        return sorted(other.number for other in adr.superseded_by.all())

    @staticmethod
    def resolve_relates_to(adr: Adr) -> list[int]:
        return sorted(other.number for other in adr.relates_to.all())

    @staticmethod
    def resolve_placements(adr: Adr) -> list:
        return list(adr.placements.all())

    @staticmethod
    def resolve_reviews(adr: Adr) -> list:
        return list(adr.reviews.all())


class CommentOut(Schema):
    id: int
    author: str
    body: str
    created_at: datetime
    removed_at: datetime | None = Field(..., description="A removed comment is hidden from the page and kept in the audit trail.")
    removed_by: str | None

    @staticmethod
    def resolve_author(comment: Comment) -> str:
        return comment.author.username

    @staticmethod
    def resolve_removed_by(comment: Comment) -> str | None:
        return username_of(comment.removed_by)


class AdrFilters(Schema):
    project: Slug | None = Field(None, description="Slug of the project.")
    team: Slug | None = Field(None, description="Slug of the team that owns the project.")
    status: StatusFilter | None = Field(None, description="A status, or `stale`: proposed for too long.")
    quadrant: Quadrant | None = Field(None, description="The current cell on the conscious/reckless matrix.")
    tag: Annotated[Text, Field(max_length=40)] | None = None
    q: Annotated[Text, Field(max_length=200)] | None = Field(None, description="Full-text search, ranked by relevance.")


class AdrIn(Schema):
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    decided_on: ApiDate | None = None
    context: Markdown = ""
    drivers: Markdown = ""
    options: list[OptionSchema] = Field(default_factory=list, max_length=50)
    chosen_option: Annotated[Text, Field(max_length=200)] = ""
    outcome: Markdown = ""
    consequences: Markdown = ""
    confirmation: Markdown = ""
    more_information: Markdown = ""
    tags: list[Annotated[Text, Field(max_length=40)]] = Field(default_factory=list, max_length=30)
    decision_makers: list[Username] = Field(default_factory=list, max_length=50, description="Usernames of portal users.")
    consulted: list[Username] = Field(default_factory=list, max_length=50)
    informed: list[Username] = Field(default_factory=list, max_length=50)
    decision_makers_external: list[Name] = Field(default_factory=list, max_length=50, description="People outside the portal.")
    consulted_external: list[Name] = Field(default_factory=list, max_length=50)
    informed_external: list[Name] = Field(default_factory=list, max_length=50)
    supersedes: list[Number] = Field(default_factory=list, max_length=50, description="Numbers of records of this project.")
    relates_to: list[Number] = Field(default_factory=list, max_length=50)


def _records(field: str, project: Project, numbers: list[int]) -> list[Adr]:
    records = {adr.number: adr for adr in Adr.objects.filter(project=project, number__in=numbers)}
    missing = [number for number in numbers if number not in records]
    if missing:
        raise ValidationError({field: _("This project has no record number %(number)s.") % {"number": missing[0]}})
    return [records[number] for number in dict.fromkeys(numbers)]


class AdrChange(AdrIn):
    version: int = Field(..., ge=1, le=2_147_483_647, description="The version you read: a save since then is refused with 409.")
    reason: Annotated[Text, Field(max_length=2_000)] = Field("", description="Why it changes; needed once accepted.")


class ReviewIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"verdict": "accepted", "comment": "Agreed in the architecture review."}]}}

    verdict: one_of(Review.Verdict) = Field(..., description="Accept or reject a proposed record.")
    comment: Annotated[Text, Field(min_length=1, max_length=5_000)] = Field(..., description="Why, in a sentence or two.")


class PlacementIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"knew_tradeoff": True, "weighed_alternatives": False, "under_pressure": True, "hindsight": False, "cell": "conscious_reckless", "reason": "Shipped before the campaign; to be redone.", "revisit_by": "2027-03-31"}]}}

    cell: Quadrant | None = Field(None, description="The cell; left out, the questionnaire's answers suggest it.")
    knew_tradeoff: bool | None = Field(None, description="Did we know the trade-off when we decided?")
    weighed_alternatives: bool | None = Field(None, description="Did we weigh alternatives and write down the consequences?")
    under_pressure: bool | None = Field(None, description="Were we deciding under pressure?")
    hindsight: bool | None = Field(None, description="Do we now have hindsight the team lacked at the time?")
    reason: Annotated[Text, Field(max_length=2_000)] = Field("", description="Needed to override the suggestion or to re-judge.")
    revisit_by: ApiDate | None = Field(None, description="Needed for a conscious and reckless shortcut.")


class CommentIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"body": "Which store do we pick?"}]}}

    body: Annotated[Text, Field(min_length=1, max_length=20_000)] = Field(..., description="Markdown.")


class ImportReportOut(Schema):
    file: str
    result: Literal["imported", "updated", "unchanged", "skipped", "error"] = Field(..., description="What the import did with the file.")
    reason: str = Field(..., description="Why a file was skipped or refused, or what was not kept.")
    number: int | None = Field(..., description="The record the file made or updated.")
    title: str | None


def _placed(adr: Adr) -> Adr:
    """The current placement, from the placements the detail selector already loaded."""
    placements = list(adr.placements.all())
    current = max(placements, key=lambda placement: (placement.placed_at, placement.pk), default=None)
    adr.current_cell = current.cell if current else None
    adr.current_revisit_by = current.revisit_by if current else None
    return adr


def _detail(project: Project, number: int) -> Adr:
    try:
        return _placed(selectors.adr_detail(project, number))
    except Adr.DoesNotExist:
        raise Http404 from None


def _project(slug: str) -> Project:
    return get_object_or_404(Project.objects.select_related("team"), slug=slug)


def _record(slug: str, number: int) -> Adr:
    return get_object_or_404(Adr.objects.select_related("project__team"), project__slug=slug, number=number)


def _service_fields(project: Project, payload: AdrIn) -> dict:
    fields = payload.dict(exclude={"version", "reason"})
    for name in ("decision_makers", "consulted", "informed"):
        fields[name] = active_users(name, fields[name])
    for name in ("supersedes", "relates_to"):
        fields[name] = _records(name, project, fields[name])
    return fields


@router.get("", response=list[AdrSummaryOut], summary="List decision records")
@paginate(Pages)
def adr_list(request, filters: Query[AdrFilters]) -> QuerySet[Adr]:
    """Every project's records by project and number (by relevance with `q`), with their place on the matrix."""
    return selectors.decisions_placed(
        cell=filters.quadrant or "",
        **{name: getattr(filters, name) or "" for name in ("project", "team", "status", "tag", "q")},
    )


@project_router.post("/{slug}/adrs/import", response=list[ImportReportOut], summary="Import decision records from markdown files")
def adr_import(request, slug: Path[Slug], files: File[list[UploadedFile]]) -> list[dict]:
    """MADR 2, 3 or 4, Nygard / adr-tools or log4brains files, or one zip of a folder, as multipart form data
    (`files`, several times). All or nothing; importing the same files again changes nothing."""
    project = _project(slug)
    form = ImportForm(files=MultiValueDict({"files": files}))
    if not form.is_valid():
        raise ValidationError({"files": form.errors["files"]})
    return services.adr_import(actor=request.auth.user, project=project, files=importers.uploaded_files(form.cleaned_data["files"]))


@project_router.get("/{slug}/adrs/{number}", response=AdrOut, summary="Read a decision record")
def adr_detail(request, slug: Path[Slug], number: Path[Number]) -> Adr:
    return _detail(get_object_or_404(Project.objects.select_related("team"), slug=slug), number)


@project_router.post("/{slug}/adrs", response={201: AdrOut}, summary="Write a decision record, as proposed")
def adr_create(request, slug: Path[Slug], payload: AdrIn):
    project = _project(slug)
    fields = _service_fields(project, payload)
    adr = services.adr_create(actor=request.auth.user, project=project, title=fields.pop("title"), **fields)
    return HttpStatus(201, _detail(project, adr.number))


@project_router.put("/{slug}/adrs/{number}", response=AdrOut, summary="Edit a decision record")
def adr_update(request, slug: Path[Slug], number: Path[Number], payload: AdrChange) -> Adr:
    """The whole record as it should read, with the `version` you read. A save by someone else since then is
    refused with 409 and changes nothing: read the record again, merge, and send it with the new version.
    Superseding is `supersedes` here: the records named become superseded."""
    adr = _record(slug, number)
    fields = _service_fields(adr.project, payload)
    try:
        services.adr_update(actor=request.auth.user, adr=adr, expected_version=payload.version, reason=payload.reason, **fields)
    except services.AdrConflict as conflict:
        raise HttpError(409, conflict.messages[0]) from None
    return _detail(adr.project, number)


@project_router.get("/{slug}/adrs/{number}/markdown", response={200: str}, summary="Export a decision record as MADR markdown",
                    openapi_extra={"responses": {200: {"content": {"text/markdown": {"schema": {"type": "string"}}}}}})
def adr_markdown(request, slug: Path[Slug], number: Path[Number]) -> HttpResponse:
    return exporters.markdown_download(_detail(_project(slug), number))


@project_router.post("/{slug}/adrs/{number}/review", response=AdrOut, summary="Accept or reject a proposed decision record")
def adr_review(request, slug: Path[Slug], number: Path[Number], payload: ReviewIn) -> Adr:
    """A decision-maker other than the author, or a lead of the team, signs the verdict with a comment."""
    adr = _record(slug, number)
    services.adr_review(actor=request.auth.user, adr=adr, verdict=payload.verdict, comment=payload.comment)
    return _detail(adr.project, number)


@project_router.post("/{slug}/adrs/{number}/placements", response={201: PlacementOut},
                     summary="Place or re-judge a decision on the conscious/reckless matrix")
def adr_place(request, slug: Path[Slug], number: Path[Number], payload: PlacementIn):
    """Every placement is kept, dated and signed. Answer the four questions for a suggested cell; choosing
    another cell, or re-judging, needs a reason; a conscious and reckless shortcut needs a revisit date."""
    adr = _record(slug, number)
    answers = {key: value for key, _question in PLACEMENT_QUESTIONS if (value := getattr(payload, key)) is not None}
    placement = services.placement_set(
        actor=request.auth.user, adr=adr, cell=payload.cell or "", answers=answers, reason=payload.reason,
        revisit_by=payload.revisit_by,
    )
    return HttpStatus(201, placement)


@project_router.get("/{slug}/adrs/{number}/comments", response=list[CommentOut], summary="List a decision record's comments")
@paginate(Pages)
def comment_list(request, slug: Path[Slug], number: Path[Number]) -> QuerySet[Comment]:
    """Removed comments are listed too, with who removed them and when."""
    return _record(slug, number).comments.select_related("author", "removed_by").order_by("created_at", "pk")


@project_router.post("/{slug}/adrs/{number}/comments", response={201: CommentOut}, summary="Comment on a decision record")
def comment_add(request, slug: Path[Slug], number: Path[Number], payload: CommentIn):
    comment = services.comment_add(actor=request.auth.user, adr=_record(slug, number), body=payload.body)
    return HttpStatus(201, comment)


@project_router.post("/{slug}/adrs/{number}/comments/{comment_id}/remove", response=CommentOut, summary="Remove a comment")
def comment_remove(request, slug: Path[Slug], number: Path[Number], comment_id: Path[Id]) -> Comment:
    """The comment's author or a lead of the team; the text stays in the audit trail."""
    comment = get_object_or_404(
        Comment.objects.select_related("adr__project__team", "author"), pk=comment_id, adr=_record(slug, number)
    )
    return services.comment_remove(actor=request.auth.user, comment=comment)
