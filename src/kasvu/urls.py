"""URL map: the web app, the admin and (later) the API."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from kasvu.accounts.views import LoginView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("kasvu.api.urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
]
urlpatterns += i18n_patterns(
    path("plans/", include("kasvu.plans.urls")),
    path("bank/", include("kasvu.knowledge.urls")),
    path("reports/", include("kasvu.reports.urls")),
    path("surveys/", include("kasvu.surveys.urls")),
    path("collection/", include("kasvu.collection.urls")),
    path("", include("kasvu.web.urls")),
    prefix_default_language=False,
)

handler403 = "kasvu.web.views.errors.permission_denied"
handler404 = "kasvu.web.views.errors.page_not_found"
handler500 = "kasvu.web.views.errors.server_error"
