"""E-mail for notifications: a subject and a link, never personal data."""

from __future__ import annotations

try:  # Django 6
    from django.tasks import task
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import task  # type: ignore[no-redef]

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation

from vangnet.notifications import kinds
from vangnet.notifications.models import Notification
from vangnet.notifications.selectors import render_message


@task()
def send_notification_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient", "case").filter(
        pk=notification_id, emailed_at__isnull=True
    ).first()
    if notification is None or not notification.recipient.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        kind = kinds.get(notification.kind)
        subject = f"Vangnet: {kind.label}"
        link = f"{settings.VANGNET_BASE_URL.rstrip('/')}{notification.url or '/'}"
        body = f"{render_message(notification)}\n\n{link}\n"
    send_mail(subject, body, None, [notification.recipient.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
