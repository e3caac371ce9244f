from django.urls import path

from . import views

app_name = "pages"

# Mounted last at /<lang>/: every other address wins, and a page's slug may not
# take one of theirs (models.validate_page_slug).
urlpatterns = [
    path("<str:slug>/", views.page_detail, name="page"),
]
