from django import template

from vangnet.accounts.models import IdentityProvider

register = template.Library()


@register.simple_tag
def federated_login_available() -> bool:
    """Whether any active organisation has an enabled identity provider (the login page offers it then)."""
    return IdentityProvider.objects.filter(is_enabled=True, organisation__is_active=True).exists()
