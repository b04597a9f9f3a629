"""A signed-in session without the sign-in pages, for the test suite and the benchmarks
(they drive pages as a user who has passed both sign-in steps). Never used by a view."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cshub.access.models import User


def sign_in_verified(client: Client, user: User, device_name: str = "test") -> Client:
    """A session that has passed both sign-in steps (password and TOTP)."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name=device_name, defaults={"confirmed": True})
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
