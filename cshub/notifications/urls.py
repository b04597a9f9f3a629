from django.urls import path

from cshub.notifications import views

app_name = "notifications"
urlpatterns = [
    path("account/emails/", views.email_choices, name="email_choices"),
]
