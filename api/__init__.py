"""The staff REST API (Django REST Framework): an adapter over domain actions/selectors."""
