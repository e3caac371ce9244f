from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from pavilion.core import views as core_views
from pavilion.pages import views as pages_views
from pavilion.pages.sitemaps import SITEMAPS

handler404 = "pavilion.core.views.page_not_found"
handler500 = "pavilion.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Machine-readable programme: language-neutral addresses (?lang= picks the language).
    path("events/<slug:event>/", include("pavilion.programme.ical_urls")),
    path("events/<slug:event>/", include("pavilion.programme.schedule_urls")),
    path("api/v1/", include("pavilion.api.urls")),
    path("sitemap.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", pages_views.robots_txt, name="robots_txt"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("pavilion.programme.urls")),
    path("membership/", include("pavilion.membership.urls")),
    path("membership/apply/", include("pavilion.applications.urls")),
    path("billing/", include("pavilion.billing.urls")),
    path("contact/", include("pavilion.enquiries.urls")),
    # Editable pages last: their slugs must not shadow the addresses above.
    path("", include("pavilion.pages.urls")),
    prefix_default_language=True,
)
