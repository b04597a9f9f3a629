from django.urls import path

from cshub.subjectaccess import views

app_name = "subjectaccess"
urlpatterns = [
    path("children/<int:pk>/subject-access/", views.start, name="start"),
    path("subject-access/<int:request_pk>/", views.review, name="review"),
    path("subject-access/<int:request_pk>/items/<int:item_pk>/", views.decide, name="decide"),
    path("subject-access/<int:request_pk>/release/", views.release, name="release"),
]
