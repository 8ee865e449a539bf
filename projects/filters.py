"""Filters of the project list; every filter lives in the URL so a filtered list can be shared."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Phase, Project, Team


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.all(), to_field_name="slug", empty_label=_("All teams")
    )
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=Phase.choices, empty_label=_("All phases"))
    tag = django_filters.CharFilter(label=_("Tag"), method="with_tag")
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("team__name", "team"), ("phase", "phase"), ("start_date", "start"), ("updated_at", "updated")),
        field_labels={"name": _("Name"), "team__name": _("Team"), "phase": _("Phase"), "start_date": _("Start date"), "updated_at": _("Last change")},
        empty_label=_("Name"),
    )

    class Meta:
        model = Project
        fields = ["q", "team", "phase", "tag"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(summary__icontains=value) | Q(slug__icontains=value))

    def with_tag(self, queryset, name, value):
        return queryset.filter(tags__contains=[value.strip().lower()])
