"""Writing, reviewing, superseding, commenting and editing decision records, and who may do it."""
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from adr import services
from adr.models import Adr, AdrRevision, Comment, Review, Status
from adr.tasks import send_stale_adr_reminders
from projects import clock
from tests.conftest import client_for
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(team):
    return ProjectFactory(team=team, slug="churn", name="Churn")


@pytest.fixture
def reviewer(team):
    return MembershipFactory(team=team, user=UserFactory(username="reviewer")).user


@pytest.fixture
def adr(project, member, reviewer):
    return services.adr_create(
        actor=member, project=project, title="Use batch scoring", context="Monthly offers.", decision_makers=[member, reviewer],
        options=[{"title": "Batch", "good": ["cheap"]}, {"title": "Real time", "bad": ["costly"]}], chosen_option="Batch",
    )


def form_data(**overrides):
    data = {
        "title": "Use batch scoring", "context": "Monthly offers.", "drivers": "", "chosen_option": "Batch", "outcome": "",
        "consequences": "", "confirmation": "", "more_information": "", "tags": "serving, cost",
        "option_title": ["Batch", "Real time"], "option_description": ["", ""], "option_good": ["cheap", ""],
        "option_neutral": ["", ""], "option_bad": ["", "costly"],
    }
    data.update(overrides)
    return data


def test_member_writes_a_decision_in_the_browser_saved_as_proposed(project, member):
    response = client_for(member).post(f"/projects/{project.slug}/adrs/new/", form_data(decision_makers=[member.pk]))
    adr = Adr.objects.get(project=project)
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.slug}/adrs/1/"
    assert (adr.number, adr.status, adr.author, adr.version) == (1, Status.PROPOSED, member, 1)
    assert adr.tags == ["serving", "cost"]
    assert adr.options == [
        {"title": "Batch", "description": "", "good": ["cheap"], "neutral": [], "bad": []},
        {"title": "Real time", "description": "", "good": [], "neutral": [], "bad": ["costly"]},
    ]
    assert adr.revisions.count() == 1


def test_numbers_follow_in_sequence_within_a_project(project, member, team):
    first = services.adr_create(actor=member, project=project, title="One")
    second = services.adr_create(actor=member, project=project, title="Two")
    other = services.adr_create(actor=member, project=ProjectFactory(team=team), title="Elsewhere")
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert second.code == "ADR-0002"


def test_empty_title_is_refused_next_to_the_field_and_nothing_saved(project, member):
    response = client_for(member).post(f"/projects/{project.slug}/adrs/new/", form_data(title=""))
    assert response.status_code == 400
    assert 'id="id_title-error"' in response.content.decode()
    assert not Adr.objects.exists()


def test_option_without_title_is_refused_and_nothing_saved(project, member):
    response = client_for(member).post(f"/projects/{project.slug}/adrs/new/", form_data(option_title=["", "Real time"]))
    assert response.status_code == 400
    assert "Every considered option needs a title." in response.content.decode()
    assert not Adr.objects.exists()


def test_other_team_reads_but_cannot_write_or_edit(project, adr, outsider):
    client = client_for(outsider)
    assert client.get(f"/projects/{project.slug}/adrs/").status_code == 200
    assert client.get(adr.get_absolute_url()).status_code == 200
    assert client.get(f"/projects/{project.slug}/adrs/new/").status_code == 403
    assert client.post(f"/projects/{project.slug}/adrs/new/", form_data(title="Sneaky")).status_code == 403
    response = client.post(f"{adr.get_absolute_url()}edit/", form_data(title="Hijacked", version=1))
    assert response.status_code == 403
    adr.refresh_from_db()
    assert (adr.title, adr.version, Adr.objects.count()) == ("Use batch scoring", 1, 1)


def test_anonymous_is_sent_to_login(project, adr, client):
    for url in (f"/projects/{project.slug}/adrs/", adr.get_absolute_url(), "/decisions/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(f"{adr.get_absolute_url()}review/", {"verdict": "accepted", "comment": "ok"})
    assert response.status_code == 302
    adr.refresh_from_db()
    assert adr.status == Status.PROPOSED


def test_author_cannot_accept_own_decision(adr, member):
    response = client_for(member).post(f"{adr.get_absolute_url()}review/", {"verdict": "accepted", "comment": "Mine is great."})
    assert response.status_code == 403
    adr.refresh_from_db()
    assert adr.status == Status.PROPOSED and not Review.objects.exists()
    with pytest.raises(PermissionDenied, match="You wrote this decision"):
        services.adr_review(actor=member, adr=adr, verdict="accepted", comment="x")


@pytest.mark.calendar
def test_decision_maker_accepts_with_a_comment_and_the_sign_off_is_kept(adr, reviewer):
    response = client_for(reviewer).post(f"{adr.get_absolute_url()}review/", {"verdict": "accepted", "comment": "Agreed at the meeting."})
    assert response.status_code == 302
    adr.refresh_from_db()
    assert adr.status == Status.ACCEPTED and adr.version == 2 and adr.decided_on == clock.today()
    review = Review.objects.get()
    assert (review.reviewer, review.verdict, review.comment) == (reviewer, "accepted", "Agreed at the meeting.")
    page = client_for(reviewer).get(adr.get_absolute_url()).content.decode()
    assert "Agreed at the meeting." in page and "Sign-offs" in page


def test_team_lead_who_is_not_a_decision_maker_may_reject(adr, lead):
    services.adr_review(actor=lead, adr=adr, verdict="rejected", comment="Too costly.")
    adr.refresh_from_db()
    assert adr.status == Status.REJECTED


def test_member_who_is_not_a_decision_maker_cannot_review(adr, team):
    bystander = MembershipFactory(team=team).user
    response = client_for(bystander).post(f"{adr.get_absolute_url()}review/", {"verdict": "accepted", "comment": "ok"})
    assert response.status_code == 403
    adr.refresh_from_db()
    assert adr.status == Status.PROPOSED


def test_a_member_cannot_name_themselves_decision_maker_and_accept_alone(adr, team, member):
    bystander = MembershipFactory(team=team).user
    client = client_for(bystander)
    response = client.post(f"{adr.get_absolute_url()}edit/", form_data(decision_makers=[bystander.pk], version=adr.version))
    assert response.status_code == 400
    assert "Only the record&#x27;s author or a team lead changes its decision-makers." in response.content.decode()
    assert set(adr.decision_makers.all()) == {member, adr.decision_makers.exclude(pk=member.pk).get()}
    response = client.post(f"{adr.get_absolute_url()}review/", {"verdict": "accepted", "comment": "Fine by me."})
    assert response.status_code == 403
    adr.refresh_from_db()
    assert adr.status == Status.PROPOSED


def test_the_author_or_a_lead_changes_the_decision_makers(adr, team, member, lead):
    colleague = MembershipFactory(team=team).user
    services.adr_update(actor=member, adr=adr, expected_version=adr.version, decision_makers=[member, colleague])
    adr.refresh_from_db()
    services.adr_update(actor=lead, adr=adr, expected_version=adr.version, decision_makers=[colleague])
    assert list(adr.decision_makers.all()) == [colleague]


def test_other_team_cannot_accept(adr, outsider):
    response = client_for(outsider).post(f"{adr.get_absolute_url()}review/", {"verdict": "accepted", "comment": "ok"})
    assert response.status_code == 403
    adr.refresh_from_db()
    assert adr.status == Status.PROPOSED


def test_review_needs_a_comment(adr, reviewer):
    response = client_for(reviewer).post(f"{adr.get_absolute_url()}review/", {"verdict": "accepted", "comment": ""})
    assert response.status_code == 400
    assert 'id="id_comment-error"' in response.content.decode()
    adr.refresh_from_db()
    assert adr.status == Status.PROPOSED


def test_an_accepted_decision_is_not_reviewed_again(adr, reviewer, lead):
    services.adr_review(actor=reviewer, adr=adr, verdict="accepted", comment="ok")
    with pytest.raises(ValidationError):
        services.adr_review(actor=lead, adr=adr, verdict="rejected", comment="no")


def test_changing_an_accepted_decision_asks_for_a_reason(adr, reviewer, member):
    services.adr_review(actor=reviewer, adr=adr, verdict="accepted", comment="ok")
    adr.refresh_from_db()
    response = client_for(member).post(f"{adr.get_absolute_url()}edit/", form_data(title="Use nightly batch scoring", version=adr.version))
    assert response.status_code == 400
    assert "say why it changes" in response.content.decode()
    adr.refresh_from_db()
    assert adr.title == "Use batch scoring"
    response = client_for(member).post(
        f"{adr.get_absolute_url()}edit/", form_data(title="Use nightly batch scoring", version=adr.version, reason="Clarify timing.")
    )
    assert response.status_code == 302
    adr.refresh_from_db()
    assert adr.title == "Use nightly batch scoring" and adr.version == 3
    assert adr.revisions.get(version=3).reason == "Clarify timing."
    assert adr.revisions.get(version=2).content["title"] == "Use batch scoring"


def test_saving_without_changes_keeps_the_version(adr, member):
    client_for(member).post(f"{adr.get_absolute_url()}edit/", form_data(version=1, tags="", decision_makers=[]))
    adr.refresh_from_db()
    before = adr.version
    client_for(member).post(f"{adr.get_absolute_url()}edit/", form_data(version=before, tags="", decision_makers=[]))
    adr.refresh_from_db()
    assert adr.version == before


def test_history_and_diff_between_two_versions(adr, member):
    client_for(member).post(f"{adr.get_absolute_url()}edit/", form_data(context="Monthly offers.\nNew line.", version=1))
    page = client_for(member).get(adr.get_absolute_url()).content.decode()
    assert "v2" in page and "What changed" in page
    response = client_for(member).get(f"{adr.get_absolute_url()}diff/?from=1&to=2")
    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="diff-added' in content and "New line." in content
    assert client_for(member).get(f"{adr.get_absolute_url()}diff/?from=1&to=9").status_code == 404


def test_supersede_sets_status_and_both_links_and_one_may_be_superseded_by_several(adr, project, member):
    old_url = adr.get_absolute_url()
    response = client_for(member).get(f"/projects/{project.slug}/adrs/new/?supersedes={adr.number}")
    assert f'value="{adr.pk}" selected' in response.content.decode()
    client_for(member).post(f"/projects/{project.slug}/adrs/new/", form_data(title="Stream scoring", supersedes=[adr.pk]))
    newer = services.adr_create(actor=member, project=project, title="Hybrid scoring", supersedes=[adr])
    adr.refresh_from_db()
    assert adr.status == Status.SUPERSEDED
    assert set(adr.superseded_by.values_list("title", flat=True)) == {"Stream scoring", "Hybrid scoring"}
    assert list(newer.supersedes.all()) == [adr]
    assert adr.revisions.filter(reason__startswith="Superseded by").count() == 1
    page = client_for(member).get(old_url).content.decode()
    assert "Superseded by" in page and "Hybrid scoring" in page


def test_supersede_across_projects_is_refused(adr, member, team):
    other = ProjectFactory(team=team)
    with pytest.raises(ValidationError):
        services.adr_create(actor=member, project=other, title="Elsewhere", supersedes=[adr])
    adr.refresh_from_db()
    assert adr.status == Status.PROPOSED and not Adr.objects.filter(project=other).exists()


def test_comments_are_shown_in_order_and_anyone_may_comment(adr, outsider, member):
    client_for(member).post(f"{adr.get_absolute_url()}comments/", {"body": "First **point**"})
    client_for(outsider).post(f"{adr.get_absolute_url()}comments/", {"body": "Second point"})
    page = client_for(member).get(adr.get_absolute_url()).content.decode()
    assert page.index("<strong>point</strong>") < page.index("Second point")


def test_empty_comment_is_refused(adr, member):
    response = client_for(member).post(f"{adr.get_absolute_url()}comments/", {"body": "  "})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_other_team_cannot_remove_a_comment(adr, member, outsider):
    comment = services.comment_add(actor=member, adr=adr, body="Keep me")
    response = client_for(outsider).post(f"{adr.get_absolute_url()}comments/{comment.pk}/remove/")
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.removed_at is None


def test_author_or_lead_removes_a_comment_which_is_voided_not_deleted(adr, member, lead, outsider):
    mine = services.comment_add(actor=outsider, adr=adr, body="Off topic")
    assert client_for(lead).post(f"{adr.get_absolute_url()}comments/{mine.pk}/remove/").status_code == 302
    mine.refresh_from_db()
    assert mine.removed_by == lead and Comment.objects.filter(pk=mine.pk).exists()
    assert "Off topic" not in client_for(member).get(adr.get_absolute_url()).content.decode()


def test_preview_renders_markdown_sanitised(project, member):
    response = client_for(member).post(f"/projects/{project.slug}/adrs/preview/", {"title": "T", "context": "**bold** <script>alert(1)</script>"})
    content = response.content.decode()
    assert "<strong>bold</strong>" in content and "<script>" not in content


def test_preview_shows_the_considered_options_and_the_chosen_one(project, member):
    response = client_for(member).post(f"/projects/{project.slug}/adrs/preview/", form_data(
        option_good=["**cheap**", ""], option_bad=["", "<img src=x onerror=alert(1)>costly"],
    ))
    content = response.content.decode()
    assert "Considered options" in content and "Real time" in content
    assert "<strong>cheap</strong>" in content and "onerror" not in content
    assert '<span class="badge text-bg-success">chosen</span>' in content and "Chosen option: <strong>Batch</strong>" in content


def test_retired_project_decisions_are_read_only(team, member):
    project = ProjectFactory(team=team, phase="retired")
    assert client_for(member).get(f"/projects/{project.slug}/adrs/new/").status_code == 403


@pytest.mark.calendar
def test_weekly_reminder_mails_stale_proposals_once_a_week(adr, member, reviewer, project):
    services.adr_create(actor=member, project=project, title="Fresh proposal")
    assert send_stale_adr_reminders.delay().get() == 0
    Adr.objects.filter(pk=adr.pk).update(created_at=clock.now() - timedelta(days=15))
    assert send_stale_adr_reminders.delay().get() == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted([member.email, reviewer.email])
    assert "Use batch scoring" in mail.outbox[0].body and "Fresh proposal" not in mail.outbox[0].body
    assert send_stale_adr_reminders.delay().get() == 0, "a second run in the same week sends nothing"
    assert len(mail.outbox) == 2


@pytest.mark.calendar
def test_stale_proposals_are_listed_on_decisions_and_in_the_home_panel(adr, member):
    from django.template import Context, Template

    Adr.objects.filter(pk=adr.pk).update(created_at=clock.now() - timedelta(days=20))
    page = client_for(member).get("/decisions/").content.decode()
    assert "Waiting for review for too long" in page
    assert "proposed 2\xa0weeks, 6\xa0days ago" in page  # by the portal's clock, not the machine's
    html = Template("{% load adr_tags %}{% adr_stale_panel %}").render(Context({}))
    assert "Use batch scoring" in html and "proposed 2\xa0weeks, 6\xa0days ago" in html


def test_beat_schedules_the_weekly_reminder(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["adr-stale-reminders"]
    assert entry["task"] == "adr.tasks.send_stale_adr_reminders"


def test_project_panel_summarises_with_a_fixed_number_of_queries(project, adr, member, django_assert_max_num_queries):
    from django.template import Context, Template

    for index in range(10):
        services.adr_create(actor=member, project=project, title=f"More {index}")
    with django_assert_max_num_queries(3):
        html = Template('{% load cards %}{% card "project" "decisions" project %}').render(Context({"project": project}))
    assert "11 records" in html and "ADR-0011" in html and "11 not yet placed" in html


def test_changes_are_in_the_audit_trail(adr, reviewer):
    services.adr_review(actor=reviewer, adr=adr, verdict="accepted", comment="ok")
    assert adr.events.count() >= 2
    assert AdrRevision.objects.filter(adr=adr).count() == 2


def test_the_chosen_option_is_one_of_the_considered_options(project, member):
    response = client_for(member).post(f"/projects/{project.slug}/adrs/new/", form_data(chosen_option="Nightly cron"))
    assert response.status_code == 400
    assert "Choose one of the considered options, or add it to them first." in response.content.decode()
    assert not Adr.objects.filter(project=project).exists()
    page = client_for(member).get(f"/projects/{project.slug}/adrs/new/").content.decode()
    assert '<select name="chosen_option"' in page and '<option value="" selected>Not chosen yet</option>' in page


def test_an_imported_choice_outside_the_options_survives_an_edit(project, member):
    imported = services.adr_create(actor=member, project=project, title="Imported", options=[{"title": "Batch"}], chosen_option="Spark")
    page = client_for(member).get(f"{imported.get_absolute_url()}edit/").content.decode()
    assert '<option value="Spark" selected>Spark</option>' in page and '<option value="Batch">Batch</option>' in page
    data = form_data(title="Imported", chosen_option="Spark", option_title=["Batch"], option_description=[""], option_good=[""],
                     option_neutral=[""], option_bad=[""], version=imported.version, reason="")
    response = client_for(member).post(f"{imported.get_absolute_url()}edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    imported.refresh_from_db()
    assert imported.chosen_option == "Spark"


def test_the_editor_shows_the_preview_of_the_current_text_at_open(adr, member):
    page = client_for(member).get(f"{adr.get_absolute_url()}edit/").content.decode()
    preview = page.split('id="adr-preview"', 1)[1].split("</section>", 1)[0]
    assert "Use batch scoring" in preview and "Monthly offers." in preview
    assert "Chosen option: <strong>Batch</strong>" in preview
    assert "The preview appears here as you type." not in preview


def test_people_are_offered_by_name_and_username_in_a_picker(project, member):
    MembershipFactory(team=project.team, user=UserFactory(username="lea", first_name="Léa", last_name="Lambert"))
    page = client_for(member).get(f"/projects/{project.slug}/adrs/new/").content.decode()
    assert 'data-picker="people"' in page and ">Léa Lambert (lea)</option>" in page
    assert "vendor/tom-select.complete.min.js" in page
