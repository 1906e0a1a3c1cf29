"""The New Hire Administrator's pages, mounted at /hr/."""

from django.urls import path

from hr import views

app_name = "hr"

urlpatterns = [
    path("my-tasks/", views.my_tasks, name="my-tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/reassign/", views.reassign, name="task-reassign"),
]
