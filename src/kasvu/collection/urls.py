from django.urls import path

from kasvu.collection import views

app_name = "collection"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.round_new, name="round_new"),
    path("<slug:slug>/", views.round_detail, name="round"),
    path("<slug:slug>/copy/", views.round_copy, name="round_copy"),
    path("<slug:slug>/open/", views.round_open, name="round_open"),
    path("<slug:slug>/round.yaml", views.round_yaml, name="round_yaml"),
    path("<slug:slug>/board/", views.board, name="board"),
    path("<slug:slug>/fields/<int:pk>/delete/", views.field_delete, name="field_delete"),
    path("<slug:slug>/<str:code>/", views.response_page, name="response"),
    path("<slug:slug>/<str:code>/form.xlsx", views.response_xlsx, name="response_xlsx"),
    path("<slug:slug>/<str:code>/import/", views.response_import, name="response_import"),
]
