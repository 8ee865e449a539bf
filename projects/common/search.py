"""What someone typing in a search box means, as a PostgreSQL full-text query.

Every word must match, each as the start of a word ("redi" finds "Redis"), so results come while the
last word is still being typed. The text never reaches the query parser as written: only its words
do, so no input can make the query fail. Words are matched as written (the `simple` configuration),
not stemmed: a stemmer turns "nightly" into "night", and then "nightl" would find nothing.
"""
import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import Expression, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "simple"
MAX_WORDS = 8
_START, _STOP = "\x02", "\x03"  # headline markers no text contains; escaped text gets <mark> around them


def typed_query(text: str) -> SearchQuery | None:
    """The query for `text`, or None when it holds no word."""
    words = re.findall(r"\w+", text)[:MAX_WORDS]
    if not words:
        return None
    return SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config=CONFIG)


def vector(*fields: str, weight: str = "A") -> SearchVector:
    return SearchVector(*fields, weight=weight, config=CONFIG)


def matching(queryset: QuerySet, document: Expression, query: SearchQuery) -> QuerySet:
    """Rows whose `document` (a vector, or F() of a stored one) matches, best first."""
    return queryset.annotate(found_by=document).filter(found_by=query).annotate(rank=SearchRank(document, query)).order_by("-rank")


def headline(expression: Expression, query: SearchQuery) -> SearchHeadline:
    """A few words of `expression` around what matched, marked for `highlighted`."""
    return SearchHeadline(expression, query, config=CONFIG, start_sel=_START, stop_sel=_STOP, max_words=24, min_words=10, max_fragments=2)


def highlighted(snippet: str) -> SafeString:
    """The headline as HTML: the text escaped, what matched in <mark>."""
    return mark_safe(escape(snippet).replace(_START, "<mark>").replace(_STOP, "</mark>"))
