"""Filters of the toil board."""
import django_filters
from django.utils.translation import gettext_lazy as _

from projects.models import Project, Team
from toil.models import ToilItem


class ToilItemFilter(django_filters.FilterSet):
    team = django_filters.ModelChoiceFilter(
        field_name="project__team", queryset=Team.objects.order_by("name"), label=_("Team"), to_field_name="slug",
        empty_label=_("All"),
    )
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.order_by("name"), label=_("Project"), to_field_name="slug", empty_label=_("All"),
    )
    classification = django_filters.ChoiceFilter(
        choices=ToilItem.Classification.choices, label=_("Classification"), empty_label=_("All")
    )
    strategy = django_filters.ChoiceFilter(choices=ToilItem.Strategy.choices, label=_("Strategy"), empty_label=_("All"))
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Title contains"))

    class Meta:
        model = ToilItem
        fields = ["team", "project", "classification", "strategy", "q"]
