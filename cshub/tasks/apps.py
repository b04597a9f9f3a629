from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "cshub.tasks"
    label = "tasks"
    verbose_name = "Actions agreed in meetings, plans and supervision"
