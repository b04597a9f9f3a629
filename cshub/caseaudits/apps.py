from django.apps import AppConfig


class CaseAuditsConfig(AppConfig):
    name = "cshub.caseaudits"
    label = "caseaudits"
    verbose_name = "Case audits"
