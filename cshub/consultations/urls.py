from django.urls import path

from cshub.consultations import views

app_name = "consultations"
urlpatterns = [
    path("consultations/", views.consultation_list, name="list"),
    path("consultations/new/", views.record, name="record"),
    path("consultations/find-child/", views.find, name="find"),
    path("consultations/<int:pk>/", views.detail, name="detail"),
    path("consultations/<int:pk>/link/", views.link, name="link"),
    path("consultations/<int:pk>/referral/", views.convert, name="convert"),
    path("consultations/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("children/<int:pk>/consultations/new/", views.record_for, name="record_for"),
]
