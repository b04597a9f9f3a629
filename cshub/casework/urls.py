from django.urls import path

from cshub.casework import views

app_name = "casework"
urlpatterns = [
    path("children/<int:pk>/", views.child, name="child"),
    path("children/<int:pk>/summary/", views.edit_summary, name="edit_summary"),
    path("referrals/<int:referral_pk>/open-episode/", views.open_episode, name="open_episode"),
    path("episodes/<int:pk>/", views.episode_detail, name="episode"),
    path("episodes/<int:pk>/allocate/", views.allocate, name="allocate"),
    path("episodes/<int:pk>/close/", views.close, name="close"),
    path("episodes/<int:pk>/authorise-closure/", views.authorise, name="authorise"),
    path("caseload/", views.my_caseload, name="my_caseload"),
    path("caseload/team/", views.team_caseload, name="team_caseload"),
]
