from django.urls import path

from cshub.meetings import minutes_views, views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.new_meeting, name="new"),
    path("meetings/today/", views.start_today, name="start"),
    path("meetings/<int:pk>/", views.detail, name="detail"),
    path("meetings/<int:pk>/agenda/refresh/", views.refresh, name="refresh"),
    path("meetings/<int:pk>/items/new/", views.add_item, name="add_item"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/close/", views.close, name="close"),
    path("meetings/<int:pk>/minutes/", minutes_views.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes/download/", minutes_views.download, name="download"),
    path("meetings/items/<int:pk>/", views.save_item, name="save_item"),
    path("meetings/items/<int:pk>/open/", views.item, name="item"),
    path("meetings/items/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("meetings/items/<int:pk>/move/", views.move, name="move"),
    path("meetings/items/<int:pk>/remove/", views.remove_item, name="remove_item"),
    path("meetings/items/<int:pk>/shared/", views.share, name="share"),
    path("meetings/items/<int:pk>/actions/", views.add_action, name="add_action"),
    path("meetings/shared/<int:pk>/remove/", views.unshare, name="unshare"),
    path("meetings/actions/<int:pk>/remove/", views.remove_action, name="remove_action"),
    path("meetings/attendance/<int:pk>/remove/", views.remove_attendance, name="remove_attendance"),
    path("children/<int:pk>/bring-to-meeting/", views.flag, name="flag"),
]
