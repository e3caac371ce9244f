from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from pavilion.core import views as core_views

handler404 = "pavilion.core.views.page_not_found"
handler500 = "pavilion.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("pavilion.programme.urls")),
    prefix_default_language=True,
)
