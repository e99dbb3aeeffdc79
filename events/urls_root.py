"""URLs outside the language prefix (feeds, files)."""

urlpatterns: list = []
