from django import template

from cshub.sso import config

register = template.Library()


@register.simple_tag
def sso_options() -> dict[str, object]:
    """What the sign-in page offers: the provider's button, the password form, or both."""
    return {
        "enabled": config.enabled(),
        "name": config.provider_name(),
        "password": config.password_form_shown(),
    }
