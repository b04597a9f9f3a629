from django.urls import path

from cshub.supervision import views

app_name = "supervision"
urlpatterns = [
    path("episodes/<int:pk>/supervision/new/", views.new, name="new"),
    path("episodes/<int:pk>/oversight/new/", views.oversight, name="oversight"),
    path("supervision/<int:pk>/", views.detail, name="detail"),
    path("supervision/mine/", views.mine, name="mine"),
    path("children/<int:pk>/supervision/", views.child, name="child"),
]
