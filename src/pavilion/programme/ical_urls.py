"""Calendar feeds of an event's programme, outside the /en/ and /ja/ prefixes (?lang= decides)."""

from django.urls import path

from . import ical_views

app_name = "ical"

urlpatterns: list = [
    path("programme.ics", ical_views.programme_feed, name="programme"),
    path("sessions/<slug:slug>.ics", ical_views.session_feed, name="session"),
    path("speakers/<slug:slug>.ics", ical_views.speaker_feed, name="speaker"),
    path("organisations/<slug:slug>.ics", ical_views.organisation_feed, name="organisation"),
]
