from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cshub.audit"
    label = "audit"
    verbose_name = "Audit trail"
