from django.urls import path

from cshub.tasks import views

app_name = "tasks"
urlpatterns = [
    path("actions/", views.task_list, name="list"),
    path("actions/<int:pk>/", views.detail, name="detail"),
]
