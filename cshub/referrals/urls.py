from django.urls import path

from cshub.referrals import views

app_name = "referrals"
urlpatterns = [
    path("referrals/", views.referral_list, name="list"),
    path("referrals/<int:pk>/", views.detail, name="detail"),
    path("referrals/<int:pk>/decision/", views.decide, name="decide"),
    path("children/<int:pk>/referrals/new/", views.create, name="create"),
]
