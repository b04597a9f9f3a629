from django.urls import path

from cshub.philomena import views

app_name = "philomena"
urlpatterns = [
    path("children/<int:pk>/missing-from-care-profile/", views.profile, name="profile"),
    path("children/<int:pk>/missing-from-care-profile/edit/", views.edit, name="edit"),
    path("children/<int:pk>/missing-from-care-profile/review/", views.confirm, name="confirm"),
    path("children/<int:pk>/missing-from-care-profile/pdf/", views.pdf, name="pdf"),
]
