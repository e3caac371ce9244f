from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("members/", views.members_standing, name="members"),
    path("invoices/<str:number>/pdf/", views.invoice_pdf, name="invoice_pdf"),
]
