"""URL patterns of the ical_urls (filled in by its views)."""

urlpatterns: list = []
