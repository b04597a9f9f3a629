from django.urls import path

from cshub.notes import views

app_name = "notes"
urlpatterns = [
    path("children/<int:pk>/notes/", views.child_notes, name="child"),
    path("children/<int:pk>/notes/new/", views.new, name="new"),
    path("children/<int:pk>/notes/<int:note_pk>/", views.detail, name="detail"),
    path("children/<int:pk>/notes/<int:note_pk>/edit/", views.edit, name="edit"),
    path("children/<int:pk>/notes/<int:note_pk>/amend/", views.amend, name="amend"),
]
