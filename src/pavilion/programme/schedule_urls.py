"""URL patterns of the schedule_urls (filled in by its views)."""

urlpatterns: list = []
