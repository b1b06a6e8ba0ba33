"""Reads for the functional administrator's lists: organisations and users, searched by ``query``."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from vangnet.accounts.models import Organisation, User


def organisations(query: str = "") -> QuerySet[Organisation]:
    """Active first, by name; with the number of active users. ``query``: part of the name."""
    rows = Organisation.objects.select_related("municipality", "region").annotate(
        user_count=Count("users", filter=Q(users__is_active=True))).order_by("-is_active", "name")
    return rows.filter(name__icontains=query) if query else rows


def users(query: str = "") -> QuerySet[User]:
    """Active first, by last name. ``query``: part of the username, last name or organisation name."""
    rows = User.objects.select_related("organisation").order_by("-is_active", "last_name", "username")
    if query:
        rows = rows.filter(Q(username__icontains=query) | Q(last_name__icontains=query)
                           | Q(organisation__name__icontains=query))
    return rows
