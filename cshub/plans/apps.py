from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cshub.plans"
    label = "plans"
    verbose_name = "Child's plan, safety plan and trigger plan"

    def ready(self) -> None:
        from cshub.casework.queries import register_caseload_dates
        from cshub.plans.due import with_practice_dates

        register_caseload_dates(with_practice_dates)
