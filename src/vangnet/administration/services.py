"""Writes of the functional administrator: organisations and user accounts. Each is logged in the
processing log under ``professional_accounts``; the invitation e-mail goes out after commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from vangnet.accounts.models import Organisation, User
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing

ACTIVITY = "professional_accounts"


class NotAllowed(Exception):
    pass


def save_organisation(form: Any, *, actor: Any) -> Organisation:
    with transaction.atomic():
        creating = form.instance.pk is None
        organisation = form.save()
        log_processing(ACTIVITY, Action.CREATE if creating else Action.UPDATE, obj=organisation,
                       fields=sorted(form.changed_data) if not creating else ["name", "type", "municipality", "region"],
                       actor=actor)
    return organisation


def set_organisation_active(organisation_id: int, active: bool, *, actor: Any) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
        if organisation.pk == getattr(actor, "organisation_id", None) and not active:
            raise NotAllowed(_("You cannot deactivate your own organisation."))
        old = organisation.is_active
        organisation.is_active = active
        organisation.save(update_fields=["is_active"])
        log_processing(ACTIVITY, Action.UPDATE, obj=organisation, fields=["is_active"],
                       changes={"is_active": {"old": old, "new": active}}, actor=actor)
    return organisation


def set_password_link(user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("administration:set_password", args=[uid, token])


def invite(data: dict[str, Any], *, actor: Any, base_url: str) -> User:
    """Create the account without a password and e-mail a link to set one (valid PASSWORD_RESET_TIMEOUT)."""
    with transaction.atomic():
        user = User.objects.create(username=data["username"], email=data["email"], first_name=data["first_name"],
                                   last_name=data["last_name"], organisation=data["organisation"],
                                   role=data["role"], is_active=True)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        log_processing(ACTIVITY, Action.CREATE, obj=user,
                       fields=["username", "email", "first_name", "last_name", "organisation", "role"], actor=actor)
        link = set_password_link(user, base_url)
        days = max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 86400)
        subject = _("Your Vangnet account")
        body = _("An account in Vangnet was made for you. Your user name is: %(username)s\n\n"
                 "Set your password with this link (valid for %(days)s days):\n%(link)s\n\n"
                 "Did you not expect this e-mail? Then you can ignore it.") % {
            "username": user.username, "days": days, "link": link}
        transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
    return user


def change_user(user_id: int, *, organisation: Organisation, role: str, actor: Any) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if user.pk == actor.pk and role != user.role:
            raise NotAllowed(_("You cannot change your own role. Ask another functional administrator."))
        old = {"organisation": user.organisation_id, "role": user.role}
        user.organisation, user.role = organisation, role
        user.save(update_fields=["organisation", "role"])
        changes = {k: {"old": v, "new": getattr(user, "organisation_id" if k == "organisation" else k)}
                   for k, v in old.items() if v != getattr(user, "organisation_id" if k == "organisation" else k)}
        log_processing(ACTIVITY, Action.UPDATE, obj=user, fields=sorted(changes), changes=changes, actor=actor)
    return user


def set_user_active(user_id: int, active: bool, *, actor: Any) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if user.pk == actor.pk:
            raise NotAllowed(_("You cannot deactivate your own account."))
        old = user.is_active
        user.is_active = active
        user.save(update_fields=["is_active"])
        log_processing(ACTIVITY, Action.UPDATE, obj=user, fields=["is_active"],
                       changes={"is_active": {"old": old, "new": active}}, actor=actor)
    return user
