"""The address key (``ADUAN_ADDRESS_KEY``) reaches only the functions that hash addresses: the API
(follow requests) and the notify handler, from a secret stack parameter with no default."""

from __future__ import annotations

from typing import Any

import pytest

from infra.naming import HANDLERS
from infra.provinces import load_provinces
from infra.templates.package_merge import merge_template

PROVINCES = load_provinces()


@pytest.mark.parametrize("province", PROVINCES, ids=lambda p: p.code)
def test_only_the_api_and_the_notify_handler_get_the_address_key(province: Any) -> None:
    template = merge_template(province)
    parameter = template["Parameters"]["AddressKey"]
    assert parameter["NoEcho"] is True and parameter["MinLength"] >= 32 and "Default" not in parameter
    given = {
        handler.logical_id
        for handler in HANDLERS
        if "ADUAN_ADDRESS_KEY"
        in template["Resources"][handler.logical_id]["Properties"]["Environment"]["Variables"]
    }
    assert given == {"APIHandler", "Notify"}
    variables = template["Resources"]["Notify"]["Properties"]["Environment"]["Variables"]
    assert variables["ADUAN_ADDRESS_KEY"] == {"Ref": "AddressKey"}
