from django.urls import path

from cshub.plans import views

app_name = "plans"
urlpatterns = [
    path("children/<int:pk>/casework/", views.casework, name="casework"),
    path("children/<int:pk>/safety-plan/", views.safety_plan, name="safety_plan"),
    path("children/<int:pk>/safety-plan/edit/", views.edit_safety_plan, name="edit_safety_plan"),
    path("children/<int:pk>/trigger-plan/", views.trigger_plan, name="trigger_plan"),
    path("children/<int:pk>/trigger-plan/edit/", views.edit_trigger_plan, name="edit_trigger_plan"),
    path("episodes/<int:pk>/plan/", views.edit_plan, name="edit_plan"),
    path("plans/<int:pk>/review/", views.review_plan, name="review_plan"),
]
