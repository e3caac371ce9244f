"""Registration addresses, inside an event: /<lang>/events/<event>/…

- ``sessions/<slug>/register/``: the form;
- ``sessions/<slug>/register/<token>/``: a registration's own page (the token is
  its code, signed: see ``presenters``), with ``cancel/`` and ``accept/`` steps;
- ``check-in/`` and ``registrations/``: the staff's desk and dashboard.
"""

from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("sessions/<slug:slug>/register/", views.register, name="register"),
    path("sessions/<slug:slug>/register/<str:token>/", views.detail, name="detail"),
    path("sessions/<slug:slug>/register/<str:token>/cancel/", views.cancel, name="cancel"),
    path("sessions/<slug:slug>/register/<str:token>/accept/", views.accept, name="accept"),
    path("check-in/", views.check_in, name="check_in"),
    path("check-in/attendance/", views.check_in_attendance, name="attendance"),
    path("registrations/", views.dashboard, name="dashboard"),
    path("registrations/attendees.csv", views.event_csv, name="event_csv"),
    path("registrations/<slug:slug>/", views.session_registrations, name="session"),
    path("registrations/<slug:slug>/attendees.csv", views.session_csv, name="session_csv"),
]
