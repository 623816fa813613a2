"""One-off maintenance of stored reports: index keys of reports stored before their index existed (or
before their key changed: a province's copies of reports it handed to another), the wake-up of Selesai
reports stored before the reminder existed, and the retention of contacts and followers stored before
it existed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from chalicelib.data.mapping import (
    contact_pk,
    from_model,
    geo_keys,
    public_partition,
    status_partition,
    to_model,
)
from chalicelib.data.models import PrivateModel, ReportModel
from chalicelib.data.notices import followers_pk
from chalicelib.domain.private import retention_end
from chalicelib.domain.report import Visibility
from chalicelib.domain.status import Status


def _listed(
    dynamodb: Any,
    table: str,
    partition: str,
    projection: str,
    names: dict[str, str],
    values: dict[str, Any],
    needed: str | None = None,
) -> Iterator[dict[str, Any]]:
    """``projection`` of the reports in one ``by-status`` partition (that match ``needed``; no Scan)."""
    query: dict[str, Any] = {
        "TableName": table,
        "IndexName": "by-status",
        "KeyConditionExpression": "#sp = :sp",
        "ProjectionExpression": projection,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": {":sp": {"S": partition}, **values},
    }
    if needed:
        query["FilterExpression"] = needed
    for page in dynamodb.get_paginator("query").paginate(**query):
        yield from page.get("Items", ())


def _set_if(
    dynamodb: Any,
    table: str,
    key: dict[str, Any],
    update: str,
    needed: str,
    names: dict[str, str],
    values: dict[str, Any],
) -> int:
    """``update`` one report if it still meets ``needed``: 1 if it did, 0 if it changed meanwhile."""
    used = {k: v for k, v in names.items() if k in update or k in needed}
    try:
        dynamodb.update_item(
            TableName=table,
            Key={"pk": key},
            UpdateExpression=update,
            ConditionExpression=needed,
            ExpressionAttributeNames=used,
            ExpressionAttributeValues=values,
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return 0  # changed meanwhile: the application saved it with its key, or it no longer qualifies
    return 1


def backfill_public(dynamodb: Any, table: str, province: str) -> int:
    """Add the ``by-public`` key to the province's own public reports stored without it; how many.

    Reads the province's ``by-status`` partitions (keys only, no Scan) and updates each report that
    is public, not a copy received from another province and has no key yet, on those conditions, so
    it is safe to run while the application writes and to run again.
    """
    names = {
        "#sp": ReportModel.status_pk.attr_name,
        "#vi": ReportModel.visibility.attr_name,
        "#op": ReportModel.origin_province.attr_name,
        "#pb": ReportModel.public_pk.attr_name,
    }
    needed = "#vi = :public AND attribute_not_exists(#op) AND attribute_not_exists(#pb)"
    public = {":public": {"S": Visibility.PUBLIC.value}}
    updated = 0
    for status in Status:
        partition = status_partition(province, status)
        values = {":pb": {"S": public_partition(province)}, **public}
        for key in (i["pk"] for i in _listed(dynamodb, table, partition, "pk", names, public, needed)):
            updated += _set_if(dynamodb, table, key, "SET #pb = :pb", needed, names, values)
    return updated


def backfill_geo(dynamodb: Any, table: str, province: str) -> int:
    """Add the ``by-geo`` key to the province's open reports stored without it; how many.

    Reads the open statuses' ``by-status`` partitions (no Scan) and updates each open report without
    a key, on the conditions that it is still open with that status and still has none: safe to run
    while the application writes, and to run again.
    """
    names = {
        "#sp": ReportModel.status_pk.attr_name,
        "#gh": ReportModel.geo_pk.attr_name,
        "#cl": ReportModel.closed.attr_name,
        "#st": ReportModel.status.attr_name,
        "#gk": ReportModel.geo_sk.attr_name,
    }
    needed = "attribute_not_exists(#gh) AND attribute_not_exists(#cl) AND #st = :st"
    updated = 0
    for status in (s for s in Status if s.is_open):
        values = {":st": {"S": status.value}}
        partition = status_partition(province, status)
        query_names = {k: v for k, v in names.items() if k != "#gk"}
        for key in (i["pk"] for i in _listed(dynamodb, table, partition, "pk", query_names, values, needed)):
            stored = dynamodb.get_item(TableName=table, Key={"pk": key}, ConsistentRead=True).get("Item")
            if stored is None:
                continue
            report = from_model(ReportModel.from_raw_data(stored))
            cell, sort_key = geo_keys(province, *report.map_place, stored["ct"]["S"])
            keys = {":gh": {"S": cell}, ":gk": {"S": sort_key}, **values}
            updated += _set_if(dynamodb, table, key, "SET #gh = :gh, #gk = :gk", needed, names, keys)
    return updated


def backfill_support(dynamodb: Any, table: str, province: str) -> int:
    """Give the province's reports stored without a support count (``su``) a count of 0; how many.

    Until then they are missing from the ``by-support`` ranking. Reads every ``by-status``
    partition (keys only, no Scan); each update is conditional on there still being no count, so
    a support added meanwhile is kept, and running it again changes nothing.
    """
    names = {"#sp": ReportModel.status_pk.attr_name, "#su": ReportModel.support_count.attr_name}
    needed = "attribute_not_exists(#su)"
    updated = 0
    for status in Status:
        partition = status_partition(province, status)
        for key in (i["pk"] for i in _listed(dynamodb, table, partition, "pk", names, {}, needed)):
            updated += _set_if(dynamodb, table, key, "SET #su = :zero", needed, names, {":zero": {"N": "0"}})
    return updated


def backfill_reminders(dynamodb: Any, table: str, province: str) -> int:
    """Wake the province's Selesai reports stored before the reminder existed at their reminder time.

    Such a report keeps the wake-up stored then (its auto-close), so the sweep would close it without
    the reminder. Reads the Selesai ``by-status`` partition (no Scan) and moves each report's ``by-due``
    time to the one the report gives now if that is earlier, on the condition that the report is
    unchanged (its version): safe to run while the application writes, and to run again. A report
    whose reminder time has passed but whose auto-close has not is reminded at the next sweep.
    Returns how many it woke.
    """
    names = {"#sp": ReportModel.status_pk.attr_name, "#du": ReportModel.due_at.attr_name}
    updated = 0
    partition = status_partition(province, Status.SELESAI)
    for key in (
        i["pk"] for i in _listed(dynamodb, table, partition, "pk", names, {}, "attribute_exists(#du)")
    ):
        stored = dynamodb.get_item(TableName=table, Key={"pk": key}, ConsistentRead=True).get("Item")
        if stored is None or "du" not in stored:
            continue
        wanted = to_model(from_model(ReportModel.from_raw_data(stored))).due_at
        if wanted is None or wanted >= stored["du"]["S"]:
            continue
        versioned = {"#du": names["#du"], "#v": ReportModel.version.attr_name}
        values = {":du": {"S": wanted}, ":v": stored["v"]}
        updated += _set_if(dynamodb, table, key, "SET #du = :du", "#v = :v", versioned, values)
    return updated


def backfill_handed(dynamodb: Any, table: str, province: str) -> int:
    """Key the province's copies of reports it handed to another province, stored before the list of
    them existed, in that list (``by-agency`` ``31#>36``); how many.

    Such a copy carries no ``by-agency`` key (or another one than its report gives now), so no list
    shows it. Reads every ``by-status`` partition for copies with ``escalated_to`` (no Scan) and sets
    the keys the report gives now, on the condition that it is unchanged (its version): a copy the
    application saved meanwhile has its keys already. Safe to run while it writes, and to run again.
    """
    names = {"#sp": ReportModel.status_pk.attr_name, "#et": ReportModel.escalated_to.attr_name}
    keyed = {
        "#gp": ReportModel.agency_pk.attr_name,
        "#gs": ReportModel.agency_sk.attr_name,
        "#v": ReportModel.version.attr_name,
    }
    updated = 0
    for status in Status:
        partition = status_partition(province, status)
        for key in (
            i["pk"] for i in _listed(dynamodb, table, partition, "pk", names, {}, "attribute_exists(#et)")
        ):
            stored = dynamodb.get_item(TableName=table, Key={"pk": key}, ConsistentRead=True).get("Item")
            if stored is None:
                continue
            wanted = to_model(from_model(ReportModel.from_raw_data(stored)))
            if wanted.agency_pk is None or wanted.agency_sk is None:
                continue
            if (
                stored.get("gp", {}).get("S") == wanted.agency_pk
                and stored.get("gs", {}).get("S") == wanted.agency_sk
            ):
                continue
            values = {":gp": {"S": wanted.agency_pk}, ":gs": {"S": wanted.agency_sk}, ":v": stored["v"]}
            updated += _set_if(dynamodb, table, key, "SET #gp = :gp, #gs = :gs", "#v = :v", keyed, values)
    return updated


def _backfill_retention(
    dynamodb: Any,
    table: str,
    province: str,
    private_table: str,
    retention_days: int,
    private_key: Callable[[str], str],
) -> int:
    """Give the private item ``private_key(report key)`` of each of the province's own reports the TTL
    an item stored now gets (``retention_end``: the report's creation plus ``retention_days``); how many.

    Reads every ``by-status`` partition (the key and creation time, no Scan) and updates each item on
    the conditions that it exists and has no TTL yet: an item already deleted, or given its TTL when
    stored or by a run before, is left as it is. A province's copy of another province's report has
    no private items here (they stay at the origin).
    """
    names = {"#sp": ReportModel.status_pk.attr_name, "#ct": ReportModel.created_at.attr_name}
    updated = 0
    for status in Status:
        for item in _listed(dynamodb, table, status_partition(province, status), "pk, #ct", names, {}):
            key = item["pk"]["S"]
            if "~" in key:  # ``36~31-…``: another province's report
                continue
            created = datetime.fromisoformat(item[names["#ct"]]["S"])
            expires = {":ex": {"N": str(retention_end(created, retention_days))}}
            updated += _set_if(
                dynamodb,
                private_table,
                {"S": private_key(key)},
                "SET #ex = :ex",
                "attribute_exists(pk) AND attribute_not_exists(#ex)",
                {"#ex": PrivateModel.expires_at.attr_name},
                expires,
            )
    return updated


def backfill_contacts(
    dynamodb: Any, table: str, province: str, *, private_table: str, retention_days: int
) -> int:
    """Give the contacts of the province's reports stored before contacts had a retention period their
    TTL: the report's creation plus ``retention_days``, as a contact stored now gets; how many
    (``_backfill_retention``)."""
    return _backfill_retention(dynamodb, table, province, private_table, retention_days, contact_pk)


def backfill_followers(
    dynamodb: Any, table: str, province: str, *, private_table: str, retention_days: int
) -> int:
    """Give the followers items of the province's reports stored before followers had a retention
    period their TTL: the report's creation plus ``retention_days``, as a follower stored now gets;
    how many (``_backfill_retention``)."""
    return _backfill_retention(dynamodb, table, province, private_table, retention_days, followers_pk)
