"""Filters of the project list; every filter lives in the URL so a filtered list can be shared."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Phase, Project, Team
from projects.selectors import with_phase_rank


# Each way to sort the list once, in a select: its label and the order it gives (the name breaks ties).
SORTS = {
    "name": (_("Name"), ("name",)),
    "team": (_("Team"), ("team__name", "name")),
    "phase": (_("Phase"), ("phase_rank", "name")),
    "start": (_("Newest start first"), ("-start_date", "name")),
    "updated": (_("Last changed first"), ("-updated_at", "name")),
}


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.all(), to_field_name="slug", empty_label=_("All teams")
    )
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=Phase.choices, empty_label=_("All phases"))
    tag = django_filters.CharFilter(label=_("Tag"), method="with_tag")
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_by", empty_label=None, null_label=None,
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
    )

    class Meta:
        model = Project
        fields = ["q", "team", "phase", "tag"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(summary__icontains=value) | Q(slug__icontains=value))

    def sort_by(self, queryset, name, value):
        _label, order = SORTS.get(value, SORTS["name"])
        return with_phase_rank(queryset).order_by(*order)

    def with_tag(self, queryset, name, value):
        return queryset.filter(tags__contains=[value.strip().lower()])
