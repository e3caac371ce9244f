"""Schedule files of an event, outside the language prefix (``?lang=en|ja`` picks it).

- ``schedule.xml``: frab/c3voc XML;
- ``schedule.json``: frab/c3voc JSON;
- ``schedule2.json``: the draft c3voc "schedule2" JSON (speakers' roles, cancelled
  sessions, summaries in both languages).
"""

from django.urls import path

from . import schedule_views

app_name = "schedule"

urlpatterns: list = [
    path("schedule.xml", schedule_views.schedule, {"exporter": "frab-xml"}, name="xml"),
    path("schedule.json", schedule_views.schedule, {"exporter": "frab-json"}, name="json"),
    path(
        "schedule2.json",
        schedule_views.schedule,
        {"exporter": "schedule2-json"},
        name="schedule2",
    ),
]
