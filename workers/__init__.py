"""Celery tasks: interfaces that take ids and call one domain action each."""
