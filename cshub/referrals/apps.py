from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "cshub.referrals"
    label = "referrals"
    verbose_name = "Referrals to the hub"
