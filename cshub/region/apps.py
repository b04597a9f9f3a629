from django.apps import AppConfig


class RegionConfig(AppConfig):
    name = "cshub.region"
    label = "region"
    verbose_name = "Region: signed messages between hubs and the region"
