from django.urls import path

from kasvu.web import views
from kasvu.web.views import areas, compare, indicators, search, updates

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("areas/", areas.area_list, name="areas"),
    path("areas/<str:kind>/<str:code>/", areas.profile, name="profile"),
    path("indicators/", indicators.indicator_list, name="indicators"),
    path("indicators/<str:key>/", indicators.indicator, name="indicator"),
    path("indicators/<str:key>/data.<str:fmt>", indicators.indicator_data, name="indicator_data"),
    path("indicators/<str:key>/<str:chart>.<str:fmt>", indicators.indicator_chart, name="indicator_chart"),
    path("compare/", compare.compare, name="compare"),
    path("search/", search.search, name="search"),
    path("data-updates/", updates.data_updates, name="data_updates"),
]
