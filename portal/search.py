"""The portal's search: one box in the top bar, results grouped by kind, each group answered by the app
that owns the kind. A fixed number of queries whatever the data: one per group."""
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from adr.selectors import search_decisions
from projects.common.search import typed_query
from projects.selectors import search_projects, search_teams
from toil.selectors import search_toil_items

# (key, heading, the selector that answers it), in the order the groups are shown.
GROUPS = (
    ("projects", _("Projects"), search_projects),
    ("decisions", _("Decisions"), search_decisions),
    ("toil", _("Toil items"), search_toil_items),
    ("teams", _("Teams"), search_teams),
)
AS_YOU_TYPE = 5  # results per group under the box
ON_THE_PAGE = 25  # results per group on /search/


@dataclass
class Group:
    key: str
    heading: str
    results: list = field(default_factory=list)
    more: bool = False  # more matched than are shown


def search(text: str, *, per_group: int) -> list[Group]:
    """The groups that found something for `text`; none when it holds no word."""
    query = typed_query(text)
    if query is None:
        return []
    groups = []
    for key, heading, selector in GROUPS:
        found = selector(query, limit=per_group + 1)
        if found:
            groups.append(Group(key, heading, found[:per_group], more=len(found) > per_group))
    return groups
