from django.urls import path

from cshub.documents import views

app_name = "documents"
urlpatterns = [
    path("children/<int:pk>/documents/", views.child, name="child"),
    path("children/<int:pk>/documents/new/", views.upload_child, name="upload_child"),
    path("referrals/<int:pk>/documents/new/", views.upload_referral, name="upload_referral"),
    path("case-notes/<int:pk>/documents/new/", views.upload_note, name="upload_note"),
    path("meetings/items/<int:pk>/documents/new/", views.upload_item, name="upload_item"),
    path("documents/<int:pk>/file/", views.view, name="view"),
    path("documents/<int:pk>/download/", views.download, name="download"),
    path("documents/<int:pk>/remove/", views.remove, name="remove"),
]
