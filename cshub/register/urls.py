from django.urls import path

from cshub.register import views

app_name = "register"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/triage/", views.triage_list, name="triage"),
    path("register/triage/<int:pk>/", views.decide, name="decide"),
]
