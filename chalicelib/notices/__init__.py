"""Notifications to citizens: what an entry tells (pure), the texts (catalogues), and the rules."""
