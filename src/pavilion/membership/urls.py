from django.urls import path

from . import views

app_name = "membership"

urlpatterns = [
    path("", views.index, name="index"),
    path("rates/", views.rates, name="rates"),
    path("calculator/", views.calculator, name="calculator"),
    path("members/", views.members, name="members"),
]
