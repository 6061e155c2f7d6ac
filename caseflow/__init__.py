"""Caseflow: the domain (models, workflows, deadlines, policies) and the Django project."""
