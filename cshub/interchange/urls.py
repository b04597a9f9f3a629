from django.urls import path

from cshub.interchange import views

app_name = "interchange"
urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/review/", views.review, name="review"),
    path("imports/confirm/", views.confirm, name="confirm"),
    path("imports/<int:pk>/", views.run_detail, name="run"),
    path("imports/codes/", views.map_unknown_codes, name="codes"),
    path("imports/codes/<int:pk>/", views.change_mapping, name="mapping"),
]
