from django.urls import include, path

from . import views

app_name = "programme"

urlpatterns = [
    path("", views.home, name="home"),
    path("programme/", views.featured_programme, name="featured_programme"),
    path("events/", views.event_list, name="events"),
    path("events/<slug:event>/programme/", views.programme, name="programme"),
    path("events/<slug:event>/sessions/<slug:slug>/", views.session_detail, name="session"),
    path("events/<slug:event>/speakers/", views.speaker_list, name="speakers"),
    path("events/<slug:event>/networking/", include("pavilion.networking.urls")),
    path("events/<slug:event>/", include("pavilion.registration.urls")),
    path("speakers/", views.featured_speakers, name="featured_speakers"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
]
