"""Emails about decommission moves, sent in the background."""
from celery import shared_task
from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db.models import Q
from django.utils.translation import gettext as _

from projects.models import MANAGERS_GROUP


@shared_task(soft_time_limit=50, time_limit=60, acks_late=True)
def notify_decommission_event(event_id: int) -> int:
    """Tell the people concerned; returns how many were told. Sending twice only repeats an email."""
    from projects.decommission.models import DecommissionEvent

    event = DecommissionEvent.objects.select_related("request__project__team", "request__requested_by", "actor").get(pk=event_id)
    request = event.request
    concerned = Q(memberships__team=request.project.team) | Q(pk=request.requested_by_id)
    if event.action == DecommissionEvent.Action.REQUESTED:
        concerned |= Q(groups__name=MANAGERS_GROUP)
    if request.decided_by_id:
        concerned |= Q(pk=request.decided_by_id)
    recipients = sorted(
        set(User.objects.filter(concerned, is_active=True).exclude(email="").exclude(pk=event.actor_id).values_list("email", flat=True))
    )
    if not recipients:
        return 0
    subject = _("[Decommission] %(project)s: %(action)s") % {"project": request.project.name, "action": event.get_action_display()}
    who = event.actor.get_full_name() or event.actor.username if event.actor else _("The portal")
    body = "\n\n".join(
        part for part in (
            _("%(who)s: %(action)s — decommission of %(project)s.") % {"who": who, "action": event.get_action_display(), "project": request.project.name},
            event.comment,
            _("State: %(state)s") % {"state": request.get_state_display()},
            settings.PORTAL_BASE_URL.rstrip("/") + request.get_absolute_url(),
        ) if part
    )
    EmailMessage(subject=subject, body=body, bcc=recipients).send()
    return len(recipients)
