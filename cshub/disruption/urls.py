from django.urls import path

from cshub.disruption import views

app_name = "disruption"
urlpatterns = [
    path("disruptions/", views.disruptions, name="list"),
    path("disruptions/<int:pk>/", views.detail, name="detail"),
    path("disruptions/<int:pk>/status/", views.change_status, name="status"),
    path("intelligence/subjects/<int:pk>/disruptions/new/", views.new_disruption, name="new"),
    path("operations/", views.operations, name="operations"),
    path("operations/new/", views.new_operation, name="new_operation"),
    path("operations/<int:pk>/", views.operation, name="operation"),
    path("operations/<int:pk>/people/", views.members, name="members"),
    path("operations/<int:pk>/decisions/new/", views.decision, name="decision"),
    path("operations/<int:pk>/actions/new/", views.action, name="action"),
    path("operations/<int:pk>/meetings/new/", views.meeting, name="meeting"),
    path("operations/<int:pk>/close/", views.close, name="close"),
]
