"""Words as a person reads them: plurals agree, and an error says what to do."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects.ledger import reference
from tests.conftest import client_for
from tests.factories import ProjectFactory, ToilItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("people", "words"), [(1, "30 min × 1 person"), (3, "30 min × 3 people")])
def test_a_toil_item_counts_its_people_in_words_that_agree(team, member, people, words):
    item = ToilItemFactory(project=ProjectFactory(team=team), minutes_per_occurrence=30, people=people)
    assert words in client_for(member).get(item.get_absolute_url()).content.decode()


def test_a_refused_rate_says_what_to_enter(admin_user):
    with pytest.raises(ValidationError) as refused:
        reference.exchange_rate_set(actor=admin_user, currency="USD", month=date(2025, 3, 1), rate=Decimal("0"))
    assert refused.value.message_dict["rate"] == ["Enter a rate greater than zero."]
