"""Two people edit the same decision at once: the second save is refused with both versions side by side,
the second person chooses field by field, and no change is lost on the way."""
import re

import pytest

from adr import services
from adr.models import Adr
from tests.conftest import client_for
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(team):
    return MembershipFactory(team=team, user=UserFactory(username="reviewer")).user


@pytest.fixture
def adr(team, member, reviewer):
    return services.adr_create(
        actor=member, project=ProjectFactory(team=team, slug="churn"), title="Use batch scoring", context="Monthly offers.",
        decision_makers=[member, reviewer], tags=["serving"],
        options=[{"title": "Batch", "good": ["cheap"]}, {"title": "Real time", "bad": ["costly"]}], chosen_option="Batch",
    )


def form_of(adr: Adr, **changes) -> dict:
    """The edit form as the browser posts it, loaded at the record's current version, with `changes`."""
    adr = Adr.objects.get(pk=adr.pk)
    data = {
        **{name: getattr(adr, name) for name in services.TEXT_FIELDS},
        "decided_on": adr.decided_on.isoformat() if adr.decided_on else "",
        **{name: ", ".join(getattr(adr, name)) for name in services.LIST_FIELDS},
        **{name: [user.pk for user in getattr(adr, name).all()] for name in services.PEOPLE_FIELDS},
        **{name: [other.pk for other in getattr(adr, name).all()] for name in services.LINK_FIELDS},
        **{f"option_{key}": [option.get(key, "") for option in adr.options] for key in ("title", "description")},
        **{f"option_{kind}": ["\n".join(option.get(kind, [])) for option in adr.options] for kind in ("good", "neutral", "bad")},
        "version": adr.version,
    }
    data.update(changes)
    return data


def edit(client, adr, data):
    return client.post(f"{adr.get_absolute_url()}edit/", data)


@pytest.fixture
def first(member):
    return client_for(member)


@pytest.fixture
def second(reviewer):
    return client_for(reviewer)


@pytest.fixture
def stale(adr):
    """The form the second person loaded before the first one saved."""
    return form_of(adr)


def conflict_section(response) -> str:
    page = response.content.decode()
    return page[page.index('data-testid="conflict"'):page.index("</section>", page.index('data-testid="conflict"'))]


def checked(section: str, field: str) -> str | None:
    found = re.search(rf'name="keep-{field}"[^>]*value="(\w+)"[^>]*checked', section)
    return found and found.group(1)


def test_a_stale_save_is_refused_showing_both_versions_side_by_side(adr, first, second, stale):
    assert edit(first, adr, form_of(adr, context="Offers go out monthly.")).status_code == 302

    response = edit(second, adr, {**stale, "context": "My careful rewrite."})

    assert response.status_code == 409
    section = conflict_section(response)
    assert "Offers go out monthly." in section and "My careful rewrite." in section
    assert 'name="keep-context" id="id_keep-context-theirs" value="theirs"' in section
    assert 'name="keep-context" id="id_keep-context-mine" value="mine"' in section
    assert checked(section, "context") is None, "both changed the field: nothing is chosen for them"
    page = response.content.decode()
    assert 'name="version" value="2"' in page and 'name="base_version" value="1"' in page
    assert "My careful rewrite." in page[page.index('name="context"'):], "the form keeps the second person's text"
    adr.refresh_from_db()
    assert (adr.context, adr.version) == ("Offers go out monthly.", 2)


def resolve(client, adr, stale, choices: dict, **fields):
    """Save again from the re-shown form: the record's current version, the marker, the choices."""
    return edit(client, adr, {**stale, **fields, "version": Adr.objects.get(pk=adr.pk).version, "base_version": stale["version"],
                              **{f"keep-{name}": choice for name, choice in choices.items()}})


def test_keeping_theirs_keeps_the_first_persons_text_and_applies_the_rest_of_mine(adr, first, second, stale):
    edit(first, adr, form_of(adr, context="Offers go out monthly."))
    edit(second, adr, {**stale, "context": "My careful rewrite.", "consequences": "Scores are a day old."})

    response = resolve(second, adr, stale, {"context": "theirs", "consequences": "mine"},
                       context="My careful rewrite.", consequences="Scores are a day old.")

    assert response.status_code == 302
    adr.refresh_from_db()
    assert (adr.context, adr.consequences, adr.version) == ("Offers go out monthly.", "Scores are a day old.", 3)


def test_keeping_mine_applies_the_second_persons_text(adr, first, second, stale):
    edit(first, adr, form_of(adr, context="Offers go out monthly."))
    edit(second, adr, {**stale, "context": "My careful rewrite."})

    response = resolve(second, adr, stale, {"context": "mine"}, context="My careful rewrite.")

    assert response.status_code == 302
    adr.refresh_from_db()
    assert (adr.context, adr.version) == ("My careful rewrite.", 3)


def test_a_field_only_one_side_changed_keeps_that_change_by_default(adr, first, second, stale):
    edit(first, adr, form_of(adr, context="Offers go out monthly."))

    response = edit(second, adr, {**stale, "consequences": "Scores are a day old."})

    section = conflict_section(response)
    assert checked(section, "context") == "theirs" and "changed by them" in section
    assert checked(section, "consequences") == "mine" and "changed by you" in section
    response = resolve(second, adr, stale, {"context": "theirs", "consequences": "mine"}, consequences="Scores are a day old.")
    assert response.status_code == 302
    adr.refresh_from_db()
    assert (adr.context, adr.consequences) == ("Offers go out monthly.", "Scores are a day old.")


def test_a_field_both_changed_is_not_saved_until_the_person_chooses(adr, first, second, stale):
    edit(first, adr, form_of(adr, context="Offers go out monthly."))
    edit(second, adr, {**stale, "context": "My careful rewrite."})

    response = resolve(second, adr, stale, {}, context="My careful rewrite.")

    assert response.status_code == 409
    assert "Both of you changed this field: choose which version to keep." in conflict_section(response)
    adr.refresh_from_db()
    assert (adr.context, adr.version) == ("Offers go out monthly.", 2)


def test_the_stale_form_sent_again_is_refused_again(adr, first, second, stale):
    edit(first, adr, form_of(adr, context="Offers go out monthly."))
    assert edit(second, adr, {**stale, "context": "My careful rewrite."}).status_code == 409

    assert edit(second, adr, {**stale, "context": "My careful rewrite."}).status_code == 409

    assert resolve(second, adr, stale, {"context": "theirs"}, title="Use nightly batch scoring").status_code == 302
    assert edit(second, adr, {**stale, "context": "My careful rewrite."}).status_code == 409, "from another tab, after resolving"
    adr.refresh_from_db()
    assert (adr.title, adr.context, adr.version) == ("Use nightly batch scoring", "Offers go out monthly.", 3)


def test_a_service_call_with_the_old_version_is_refused(adr, member, reviewer):
    services.adr_update(actor=member, adr=adr, expected_version=1, context="Offers go out monthly.")

    with pytest.raises(services.AdrConflict):
        services.adr_update(actor=reviewer, adr=adr, expected_version=1, context="My careful rewrite.")

    adr.refresh_from_db()
    assert (adr.context, adr.version) == ("Offers go out monthly.", 2)


def test_a_save_in_between_shows_a_new_conflict(adr, first, second, stale, lead):
    edit(first, adr, form_of(adr, context="Offers go out monthly."))
    edit(second, adr, {**stale, "context": "My careful rewrite."})
    shown = Adr.objects.get(pk=adr.pk).version
    edit(client_for(lead), adr, form_of(adr, context="Offers go out every week."))

    response = edit(second, adr, {**stale, "context": "My careful rewrite.", "version": shown, "base_version": 1, "keep-context": "mine"})

    assert response.status_code == 409
    section = conflict_section(response)
    assert "Offers go out every week." in section and "My careful rewrite." in section
    assert checked(section, "context") is None
    assert 'name="version" value="3"' in response.content.decode()
    adr.refresh_from_db()
    assert (adr.context, adr.version) == ("Offers go out every week.", 3)


def test_options_tags_dates_and_links_are_compared_and_chosen_too(adr, first, second, stale, member):
    other = services.adr_create(actor=member, project=adr.project, title="Keep features in one store")
    edit(first, adr, form_of(adr, tags="serving, batch", decided_on="2026-10-02", relates_to=[other.pk],
                             option_title=["Batch", "Real time"], option_good=["cheap\nsimple", ""]))

    response = edit(second, adr, {**stale, "tags": "serving, cost", "option_title": ["Batch", "Streaming"]})

    section = conflict_section(response)
    assert response.status_code == 409
    assert {"tags", "options", "decided_on", "relates_to"} <= set(re.findall(r'name="keep-(\w+)"', section))
    assert checked(section, "decided_on") == checked(section, "relates_to") == "theirs"
    assert "Good: simple" in section and "Option: Streaming" in section
    response = resolve(second, adr, stale, {"tags": "mine", "options": "theirs", "decided_on": "theirs", "relates_to": "theirs"},
                       tags="serving, cost", option_title=["Batch", "Streaming"])
    assert response.status_code == 302
    adr.refresh_from_db()
    assert adr.tags == ["serving", "cost"]
    assert [option["title"] for option in adr.options] == ["Batch", "Real time"] and adr.options[0]["good"] == ["cheap", "simple"]
    assert adr.decided_on.isoformat() == "2026-10-02" and list(adr.relates_to.all()) == [other]


def test_an_accepted_decision_still_needs_a_reason_when_resolving(adr, first, second, lead):
    services.adr_review(actor=lead, adr=adr, verdict="accepted", comment="Agreed.")
    stale = form_of(adr, reason="Clarify.")
    edit(first, adr, form_of(adr, context="Offers go out monthly.", reason="Clarify."))
    edit(second, adr, {**stale, "context": "My careful rewrite."})

    response = resolve(second, adr, stale, {"context": "mine"}, context="My careful rewrite.", reason="")

    assert response.status_code == 409
    assert "say why it changes" in response.content.decode()
    assert 'name="keep-context"' in conflict_section(response), "the choices stay on the page"
    adr.refresh_from_db()
    assert adr.context == "Offers go out monthly."
