from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cshub.plans"
    label = "plans"
    verbose_name = "Child's plan, safety plan and trigger plan"
