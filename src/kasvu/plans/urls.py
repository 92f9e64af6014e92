from django.urls import path

from kasvu.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("import/", views.plan_import, name="import"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/delete/", views.plan_delete, name="delete"),
    path("<int:pk>/plan.yaml", views.plan_export, name="export"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/history/restore/", views.history_restore, name="restore"),
    path("<int:pk>/follow-up/<int:year>/", views.follow_up, name="follow_up"),
    path("<int:pk>/plan-<str:lang>.<str:fmt>", views.document, name="document"),
    path("<int:pk>/follow-up/<int:year>/report-<str:lang>.<str:fmt>", views.document, name="report"),
    path("<int:pk>/<str:kind>/new/", views.part_edit, name="part_new"),
    path("<int:pk>/<str:kind>/<int:obj>/", views.part_edit, name="part_edit"),
    path("<int:pk>/<str:kind>/<int:obj>/delete/", views.part_delete, name="part_delete"),
]
