from django.urls import path

from kasvu.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
]
