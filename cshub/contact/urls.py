from django.urls import path

from cshub.contact import views

app_name = "contact"
urlpatterns = [
    path("children/<int:pk>/work/", views.child, name="child"),
    path("children/<int:pk>/work/voice/", views.voice, name="voice"),
    path("children/<int:pk>/work/contact/", views.contact, name="contact"),
    path("children/<int:pk>/work/team/", views.team, name="team"),
    path("children/<int:pk>/work/team/<int:member_pk>/end/", views.end_member, name="end_member"),
    path("children/<int:pk>/work/nrm/", views.nrm, name="nrm"),
    path("children/<int:pk>/work/nrm/<int:nrm_pk>/", views.nrm, name="nrm_update"),
    path("children/<int:pk>/work/transition/", views.transition, name="transition"),
]
