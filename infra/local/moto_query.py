"""moto's DynamoDB Query without sorting the whole table, and its request dispatch without a directory
listing: the same answers, less CPU.

- A Query walks ``Table.all_items()``, which sorts every item of the table by its key, keeps the items
  of the queried key, then sorts those again: by the index's keys and the table's (an index Query) or
  by the range key within the one partition (a table Query). Both second sort keys are unique per
  item, so that sort alone decides the order and the first one is wasted: n log n comparisons of
  moto's ``DynamoType`` per Query, n the table's size (a sixth of the engine's CPU in the
  fault-injection test). Inside ``Table.query`` the items are walked unsorted; a Scan and everything
  else still get them sorted.
- moto finds the service of every request by asking, among other things, whether its host is the
  name of a moto module, listing moto's package directory (``os.listdir`` and ``isdir`` of some two
  hundred entries) each time: the listing is made once.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from moto import backends
from moto.dynamodb.models.table import Table

_in_query = threading.local()


def _unsorted_items(table: Table) -> list[Any]:
    """``Table.all_items()`` in storage order (moto's own sorts them by key)."""
    if table.range_key_attr:
        return [item for bucket in table.items.values() for item in bucket.values()]
    return list(table.items.values())


def speed_up_queries() -> None:
    """Patch moto's ``Table.query`` and its module listing (once per process)."""
    if getattr(Table.query, "aduan_fast", False):
        return
    own_query, own_all_items = Table.query, Table.all_items

    @functools.wraps(own_query)
    def query(self: Table, *args: Any, **kwargs: Any) -> Any:
        _in_query.active = True
        try:
            return own_query(self, *args, **kwargs)
        finally:
            _in_query.active = False

    @functools.wraps(own_all_items)
    def all_items(self: Table) -> list[Any]:
        return _unsorted_items(self) if getattr(_in_query, "active", False) else own_all_items(self)

    query.aduan_fast = True  # type: ignore[attr-defined]
    query.moto_own = own_query  # type: ignore[attr-defined]
    all_items.moto_own = own_all_items  # type: ignore[attr-defined]
    Table.query = query  # type: ignore[method-assign]
    Table.all_items = all_items  # type: ignore[method-assign]
    modules = tuple(backends.list_of_moto_modules())
    listed = functools.wraps(backends.list_of_moto_modules)(lambda: modules)
    listed.moto_own = backends.list_of_moto_modules  # type: ignore[attr-defined]
    backends.list_of_moto_modules = listed
