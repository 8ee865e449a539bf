"""Filters of the toil board."""
import django_filters
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from adr.forms import PersonField

from projects.models import Project, Team
from toil.models import ToilItem


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonField


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
    owner = PersonFilter(
        queryset=User.objects.filter(is_active=True, memberships__isnull=False).distinct().order_by("first_name", "last_name", "username"),
        label=_("Owner"), to_field_name="username", empty_label=_("Anyone"),
    )
    strategy = django_filters.ChoiceFilter(choices=ToilItem.Strategy.choices, label=_("Strategy"), empty_label=_("All"))
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Title contains"))

    class Meta:
        model = ToilItem
        fields = ["team", "project", "owner", "classification", "strategy", "q"]
