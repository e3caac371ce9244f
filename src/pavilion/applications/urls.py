from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.start, name="start"),
    path("<str:token>/", views.resume, name="resume"),
    path("<str:token>/step/<int:step>/", views.step, name="step"),
    path("<str:token>/quote/", views.quote, name="quote"),
    path("<str:token>/thanks/", views.thanks, name="thanks"),
    path("<str:token>/answered/", views.answered, name="answered"),
    path("<str:token>/withdraw/", views.withdraw, name="withdraw"),
]
