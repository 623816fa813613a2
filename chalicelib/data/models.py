"""PynamoDB models of the shared tables. Only the repositories use them.

Every partition key, in the table and in each index, starts with the province
code, so IAM ``dynamodb:LeadingKeys`` can fence a province. Stored attribute
names are short: item size is what DynamoDB bills per write.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import TableError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.config import settings
from chalicelib.vendor_internals import table_connection

LOOKUP_WORKERS = 16
"""Concurrent Queries of one fingerprint lookup (``data/evidence.py``); the HTTP pool holds as many."""


class _Meta:
    region = settings().region
    connect_timeout_seconds = 2
    read_timeout_seconds = 3
    max_retry_attempts = 2
    base_backoff_ms = 25
    max_pool_connections = LOOKUP_WORKERS  # PynamoDB's default 10 would drop connections of the lookup


class ByAgencyIndex(GlobalSecondaryIndex["ReportModel"]):
    """An agency's reports by status and age: ``31#sudin-sda-jp`` / ``PROSES#<created>``."""

    class Meta:
        index_name = "by-agency"
        projection = AllProjection()

    agency_pk = UnicodeAttribute(hash_key=True, attr_name="gp")
    agency_sk = UnicodeAttribute(range_key=True, attr_name="gs")


class BySupportIndex(GlobalSecondaryIndex["ReportModel"]):
    """An agency's reports by support count: ``31#sudin-sda-jp`` / ``3`` (every report carries ``su``)."""

    class Meta:
        index_name = "by-support"
        projection = AllProjection()

    agency_pk = UnicodeAttribute(hash_key=True, attr_name="gp")
    support_count = NumberAttribute(range_key=True, attr_name="su")


class ByStatusIndex(GlobalSecondaryIndex["ReportModel"]):
    """A province's reports by status and age: ``31#MENUNGGU`` / ``<created>``."""

    class Meta:
        index_name = "by-status"
        projection = AllProjection()

    status_pk = UnicodeAttribute(hash_key=True, attr_name="sp")
    created_at = UnicodeAttribute(range_key=True, attr_name="ct")


class ByDueIndex(GlobalSecondaryIndex["ReportModel"]):
    """Sparse: open timers (service levels, auto-close) by due time: ``31#due`` / ``<due>``."""

    class Meta:
        index_name = "by-due"
        projection = AllProjection()

    due_pk = UnicodeAttribute(hash_key=True, attr_name="dp")
    due_at = UnicodeAttribute(range_key=True, attr_name="du")


class ByPublicIndex(GlobalSecondaryIndex["ReportModel"]):
    """Sparse: a province's own public reports by age (the Open311 listing): ``31#pub`` / ``<created>``."""

    class Meta:
        index_name = "by-public"
        projection = AllProjection()

    public_pk = UnicodeAttribute(hash_key=True, attr_name="pb")
    created_at = UnicodeAttribute(range_key=True, attr_name="ct")


class ByGeoIndex(GlobalSecondaryIndex["ReportModel"]):
    """Sparse: a province's open reports by place: ``31#g#qqguw`` / ``qqguwrxyz#<created>``.

    The partition is a 5-character geohash cell (about 4.9 km square); the sort key starts with the
    report's 9-character geohash, so a finer cell is a ``begins_with`` within its partition.
    """

    class Meta:
        index_name = "by-geo"
        projection = AllProjection()

    geo_pk = UnicodeAttribute(hash_key=True, attr_name="gh")
    geo_sk = UnicodeAttribute(range_key=True, attr_name="gk")


class ByDoubtIndex(GlobalSecondaryIndex["ReportModel"]):
    """Sparse: resolves on an unverified evidence photo, for coordinators: ``31#doubt`` / ``<resolved>``."""

    class Meta:
        index_name = "by-doubt"
        projection = AllProjection()

    doubt_pk = UnicodeAttribute(hash_key=True, attr_name="dq")
    resolved_at = UnicodeAttribute(range_key=True, attr_name="ra")


class ReportModel(Model):
    """One report, or one province's copy of an escalated report."""

    class Meta(_Meta):
        table_name = settings().reports_table

    pk = UnicodeAttribute(hash_key=True)
    report_id = UnicodeAttribute(attr_name="rid")
    province = UnicodeAttribute(attr_name="pv")
    category = UnicodeAttribute(attr_name="cat")
    description = UnicodeAttribute(attr_name="d")
    lat = NumberAttribute()
    lon = NumberAttribute()
    area_code = UnicodeAttribute(attr_name="ar")
    address = UnicodeAttribute(attr_name="ad", null=True)
    visibility = UnicodeAttribute(attr_name="vi")
    status = UnicodeAttribute(attr_name="st")
    agency = UnicodeAttribute(attr_name="ag", null=True)
    created_at = UnicodeAttribute(attr_name="ct")
    updated_at = UnicodeAttribute(attr_name="up")
    coordinate_due = UnicodeAttribute(attr_name="cd", null=True)
    finish_due = UnicodeAttribute(attr_name="fd", null=True)
    estimated_completion = UnicodeAttribute(attr_name="ews", null=True)
    # Flags and counters are stored only when set: absent means False / 0 (bytes on every write).
    overdue = BooleanAttribute(attr_name="od", null=True)
    escalation_level = NumberAttribute(attr_name="lv", null=True)
    sla_check_at = UnicodeAttribute(attr_name="sc", null=True)
    escalated_to = UnicodeAttribute(attr_name="et", null=True)
    remote_agency = UnicodeAttribute(attr_name="rg", null=True)
    remote_version = NumberAttribute(attr_name="rv", null=True)
    origin_province = UnicodeAttribute(attr_name="op", null=True)
    closed = BooleanAttribute(attr_name="cl", null=True)
    rating = NumberAttribute(attr_name="rt", null=True)
    resolved_at = UnicodeAttribute(attr_name="ra", null=True)
    autoclose_at = UnicodeAttribute(attr_name="ac", null=True)
    secret_hash = UnicodeAttribute(attr_name="sh", null=True)
    photos = UnicodeAttribute(attr_name="ph", null=True)
    support_count = NumberAttribute(attr_name="su", default=0)
    duplicate_of = UnicodeAttribute(attr_name="xo", null=True)
    reporter_opted_in = BooleanAttribute(attr_name="ro", null=True)
    duplicates = UnicodeAttribute(attr_name="xs", null=True)  # JSON list of report ids
    handover_due = UnicodeAttribute(attr_name="ho", null=True)  # a refused hand-over message sent again then
    timeline = BinaryAttribute(attr_name="tl", legacy_encoding=False)  # see data/timeline_codec.py
    version = VersionAttribute(attr_name="v")

    agency_pk = UnicodeAttribute(null=True, attr_name="gp")
    agency_sk = UnicodeAttribute(null=True, attr_name="gs")
    status_pk = UnicodeAttribute(attr_name="sp")
    due_pk = UnicodeAttribute(null=True, attr_name="dp")
    due_at = UnicodeAttribute(null=True, attr_name="du")
    public_pk = UnicodeAttribute(null=True, attr_name="pb")
    geo_pk = UnicodeAttribute(null=True, attr_name="gh")
    geo_sk = UnicodeAttribute(null=True, attr_name="gk")
    doubt_pk = UnicodeAttribute(null=True, attr_name="dq")

    by_agency = ByAgencyIndex()
    by_support = BySupportIndex()
    by_status = ByStatusIndex()
    by_due = ByDueIndex()
    by_public = ByPublicIndex()
    by_geo = ByGeoIndex()
    by_doubt = ByDoubtIndex()


class ByBandIndex(GlobalSecondaryIndex["PrivateModel"]):
    """Sparse: photos by one band of their fingerprints: ``31#fp#<band>`` / ``<photo id>#<k>#<role>``."""

    class Meta:
        index_name = "by-band"
        projection = AllProjection()

    band_pk = UnicodeAttribute(hash_key=True, attr_name="fb")
    band_sk = UnicodeAttribute(range_key=True, attr_name="fk")


class PrivateModel(Model):
    """Reporter contact data and idempotency records, apart from reports.

    ``<report id>#contact`` holds a reporter's contact. ``<prov>#evt#<id>`` is an evidence upload
    ticket (report, agency, action, expiry, use); ``<prov>#fp#<photo id>#<k>#<n>`` band ``n`` of a
    photo's ``k``-th fingerprint (``by-band`` index). ``<province>#idem#<hash>`` maps an
    Idempotency-Key's hash to the report it created, with the salt that derives the reporter's
    secret from the key (never the secret itself); it expires after the replay window (TTL).
    """

    class Meta(_Meta):
        table_name = settings().private_table

    pk = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(attr_name="k")
    report_id = UnicodeAttribute(attr_name="rid", null=True)
    body_hash = UnicodeAttribute(attr_name="bh", null=True)
    salt = UnicodeAttribute(attr_name="sl", null=True)
    name = UnicodeAttribute(attr_name="n", null=True)
    phone = UnicodeAttribute(attr_name="p", null=True)
    email = UnicodeAttribute(attr_name="e", null=True)
    expires_at = NumberAttribute(null=True)
    # Notifications (chalicelib/data/notices.py): the reporter's opt-in on the contact item, and the
    # records of sent messages, hourly counts, held updates, suppressed addresses and link tokens.
    channels = UnicodeAttribute(attr_name="ch", null=True)  # "email,sms"
    language = UnicodeAttribute(attr_name="lg", null=True)
    state = UnicodeAttribute(attr_name="ss", null=True)
    tally = NumberAttribute(attr_name="nc", null=True)
    held = UnicodeSetAttribute(attr_name="hd", null=True)  # lines of updates held back by the hourly limit
    purpose = UnicodeAttribute(attr_name="pu", null=True)
    recipient = UnicodeAttribute(attr_name="rc", null=True)
    answers = UnicodeAttribute(attr_name="an", null=True)  # a feedback link's resolve step
    members = UnicodeSetAttribute(attr_name="fw", null=True)  # a report's followers: "<id>|<lang>|<email>"
    # Evidence tickets (``<prov>#evt#<id>``): the agency and action an upload is for, and its use.
    agency = UnicodeAttribute(attr_name="ag", null=True)
    action = UnicodeAttribute(attr_name="ac", null=True)
    used_by = UnicodeAttribute(attr_name="ub", null=True)
    verdict = UnicodeAttribute(attr_name="vd", null=True)  # JSON of the evidence check, once judged
    # Photo fingerprints (``<prov>#fp#<photo id>#<k>#<n>``): one item per band, in the ``by-band`` index.
    band_pk = UnicodeAttribute(attr_name="fb", null=True)
    band_sk = UnicodeAttribute(attr_name="fk", null=True)
    fingerprint = UnicodeAttribute(attr_name="fp", null=True)  # hex, 128 bits: 32 digits (older: 16)

    by_band = ByBandIndex()


def share_one_connection() -> None:
    """Both tables through one PynamoDB ``Connection``: one botocore session and one client.

    PynamoDB gives every model its own ``Connection``, and so its own botocore session, which
    parses botocore's endpoint and DynamoDB service data again: ~40 ms of a submit's cold start,
    which touches both tables (pynamodb/PynamoDB#1245). A ``Connection`` serves every table whose
    schema it was given. Idempotent; the models call it when this module is imported.
    """
    shared = table_connection(ReportModel).connection
    private = table_connection(PrivateModel)
    try:
        shared.get_meta_table(private.table_name)
    except TableError:
        shared.add_meta_table(private.get_meta_table())
    private.connection = shared


share_one_connection()
