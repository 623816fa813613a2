"""An Open311 request as a client posts it: Siti reports a flood in Tebet, with her contact."""

from __future__ import annotations

DEV_KEY = "dev-open311-key"  # its SHA-256 is in .chalice/config.json (ADUAN_OPEN311_KEYS)
FLOOD = {
    "api_key": DEV_KEY,
    "service_code": "banjir",
    "lat": "-6.2615",
    "long": "106.8106",
    "attribute[area_code]": "31.74.01",
    "attribute[kedalaman_cm]": "40",
    "address_string": "Jl. Tebet Raya No. 10",
    "description": "Genangan setinggi lutut di depan pasar sejak pagi.",
    "first_name": "Siti",
    "last_name": "Aminah",
    "email": "siti@example.id",
    "phone": "081234567890",
}
