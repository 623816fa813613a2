"""Builders of Aduan's CloudFormation templates (plain dicts)."""
