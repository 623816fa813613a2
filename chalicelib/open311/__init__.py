"""Open311 GeoReport v2 on top of Aduan: services from province data, requests as ordinary reports.

Decisions and the field mapping are written down in ``docs/open311.md``.
"""
