"""The fixed reasons an evidence check gives, by code: their words are written here once.

``domain.evidence`` gives them in its verdicts; the timeline's stored form keeps only their codes
and reads the words back from here. A reason with measured values in its words (``too_far``) is
not fixed and is built where it is measured.
"""

from __future__ import annotations

from chalicelib.domain.report import CheckReason

NO_CAPTURE_TIME = CheckReason(
    "time",
    "no_capture_time",
    "Foto tidak menyimpan waktu pengambilan (Exif): tidak bisa dipastikan diambil setelah laporan.",
    "The photo holds no capture time (Exif), so it cannot be shown to be taken after the report.",
)
TAKEN_BEFORE_REPORT = CheckReason(
    "time",
    "taken_before_report",
    "Foto diambil sebelum laporan dibuat.",
    "The photo was taken before the report was made.",
)
TAKEN_BEFORE_REOPEN = CheckReason(
    "time",
    "taken_before_reopen",
    "Foto diambil sebelum pelapor membuka kembali laporan (pekerjaan dinyatakan belum selesai).",
    "The photo was taken before the reporter reopened the report (saying the work was not done).",
)
TAKEN_IN_FUTURE = CheckReason(
    "time",
    "taken_in_future",
    "Waktu pengambilan foto ada di masa depan: jam kamera salah atau waktu diubah.",
    "The photo's capture time is in the future: the camera clock is wrong or the time was edited.",
)
NO_GPS = CheckReason(
    "place",
    "no_gps",
    "Foto tidak menyimpan lokasi GPS, jadi tempatnya tidak bisa dipastikan.",
    "The photo holds no GPS location, so the place cannot be confirmed.",
)
NO_REPORT_LOCATION = CheckReason(
    "place",
    "no_report_location",
    "Laporan tidak punya lokasi untuk dibandingkan.",
    "The report has no location to compare with.",
)
NO_DETAIL = CheckReason(
    "fresh",
    "no_detail",
    "Gambar hampir polos (gelap atau satu warna): tidak bisa dibandingkan dengan foto sebelumnya.",
    "The picture is almost blank (dark or one colour), so it cannot be compared with earlier photos.",
)
UNREADABLE = CheckReason(
    "fresh",
    "unreadable",
    "Gambar tidak bisa dibaca, jadi tidak bisa dibandingkan dengan foto sebelumnya.",
    "The picture could not be read, so it cannot be compared with earlier photos.",
)
SAME_AS_REPORT_PHOTO = CheckReason(
    "fresh",
    "same_as_report_photo",
    "Foto bukti sama dengan foto yang dikirim pelapor untuk laporan ini.",
    "The evidence photo is the same as the photo the reporter sent with this report.",
)
SEEN_BEFORE = CheckReason(
    "fresh",
    "seen_before",
    "Foto ini sudah pernah dikirim sebelumnya (foto lain yang sama atau hasil suntingannya).",
    "This photo was sent before (the same picture, or an edited copy of it).",
)

FIXED: dict[str, CheckReason] = {
    reason.code: reason
    for reason in (
        NO_CAPTURE_TIME,
        TAKEN_BEFORE_REPORT,
        TAKEN_BEFORE_REOPEN,
        TAKEN_IN_FUTURE,
        NO_GPS,
        NO_REPORT_LOCATION,
        NO_DETAIL,
        UNREADABLE,
        SAME_AS_REPORT_PHOTO,
        SEEN_BEFORE,
    )
}
