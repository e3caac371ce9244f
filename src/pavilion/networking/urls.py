from django.urls import path

from . import views

app_name = "networking"

urlpatterns = [
    path("", views.tables, name="tables"),
    path("thanks/<str:token>/", views.thanks, name="thanks"),
]
