"""Writes for teams and memberships. Every write checks the actor's rights, validates, and runs in
a transaction."""
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects import permissions
from projects.models import Membership, Team


@transaction.atomic
def membership_add(
    *, actor: User, team: Team, user: User, role: str, weekly_hours: Decimal, joined_on: date
) -> Membership:
    if not permissions.can_manage_members(actor, team):
        raise PermissionDenied(_("Only a lead of this team or an admin can add members."))
    if Membership.objects.filter(team=team, user=user).exists():
        raise ValidationError({"user": _("%(user)s is already a member of this team.") % {"user": user}})
    membership = Membership(team=team, user=user, role=role, weekly_hours=weekly_hours, joined_on=joined_on)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    team = membership.team
    if not permissions.can_manage_members(actor, team):
        raise PermissionDenied(_("Only a lead of this team or an admin can remove members."))
    if membership.is_lead and not team.memberships.filter(role=Membership.Role.LEAD).exclude(pk=membership.pk).exists():
        raise ValidationError(_("A team keeps at least one lead: name another lead first."))
    membership.delete()
