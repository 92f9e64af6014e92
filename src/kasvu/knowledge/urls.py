from django.urls import path

from kasvu.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.search, name="search"),
    path("entries/new/", views.edit, name="create"),
    path("entries/<int:entry_id>/", views.detail, name="detail"),
    path("entries/<int:entry_id>/edit/", views.edit, name="edit"),
    path("entries/<int:entry_id>/remove/", views.remove, name="remove"),
    path("needs/", views.rounds, name="rounds"),
    path("needs/compare/", views.compare, name="compare"),
    path("needs/<slug:slug>/", views.round_table, name="round"),
    path("needs/<slug:slug>/coding.<str:fmt>", views.round_coding, name="coding"),
]
