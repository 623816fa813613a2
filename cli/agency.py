"""``aduan agency``: an officer works the agency's queue from the command line.

aduan agency poll --stage banten --agency dpu-kota-tangerang
aduan agency inbox --stage banten --agency dpu-kota-tangerang --status PROSES
aduan agency show --stage jakarta --agency koordinator --role coordinator 31-261127-K3M9
aduan agency handed --stage jakarta --to 36
"""

from __future__ import annotations

import json
import shlex
import sys
import urllib.error
import urllib.request
from datetime import datetime
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.prompt import Prompt
from rich.table import Column, Table

from chalicelib.config import shown
from chalicelib.domain.protocol import WorkItem
from chalicelib.provinces.model import zone_label
from chalicelib.provinces.registry import Province, registry
from cli import aws
from cli.evidence_upload import upload_evidence
from cli.stages import UnknownStage, resolve_province, stage_provinces
from cli.workqueue import Decision, WorkQueue

app = typer.Typer(help="Work an agency's queue and inbox.", no_args_is_help=True)
console = Console()

CHOICES = {
    "t": "take",
    "e": "estimate",
    "f": "forward",
    "r": "refuse",
    "x": "reject",
    "s": "resolve",
    "d": "duplicate",
    "l": "skip",
}

# Each action with its key, "[x] reject" (the brackets escaped: rich would read "[x]" as a style and drop it)
MENU = "  ".join(escape(f"[{k}]") + f" {v}" for k, v in CHOICES.items())


class HttpApi:
    """The agency API over HTTPS with a bearer token."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.uploads: dict[tuple[str, Path], str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """One call; returns (status, JSON body)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, self._json_body(response.status, response.read())
        except urllib.error.HTTPError as error:
            return error.code, self._json_body(error.code, error.read())
        except (urllib.error.URLError, OSError) as error:  # no HTTP answer: refused, unknown host, timeout
            reason = getattr(error, "reason", error)
            return 0, _error(
                "connection_failed",
                f"Tidak dapat menghubungi API {shown(self.base_url)} (cannot reach the API): {reason}",
            )

    def _json_body(self, status: int, raw: bytes) -> dict[str, Any]:
        """The API's JSON answer; anything else (a gateway's or proxy's page) as an error saying so, in
        its first 200 characters, never with the token (a proxy's page may repeat the request)."""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        if isinstance(body, dict):
            return body
        text = raw.decode("utf-8", "replace").replace(self.token, "***").strip()[:200]
        return _error(f"http_{status}", f"Jawaban bukan JSON (not a JSON answer), HTTP {status}: {text}")

    def current(self, key: str) -> tuple[int, dict[str, Any]]:
        """The report as the agency sees it now."""
        return self.request("GET", f"/agency/reports/{quote(key, safe='')}")

    def act(
        self, key: str, action: str, body: dict[str, Any], idempotency_key: str, version: int | None = None
    ) -> tuple[int, dict[str, Any]]:
        """POST an action on a report, on ``version`` (``If-Match``) when given; ``evidence_file``
        (resolve): a photo uploaded for it first, once."""
        if "evidence_file" in body:
            body = dict(body)
            path = Path(body.pop("evidence_file"))
            if (key, path) not in self.uploads:  # a retry of the action reuses its upload
                status, uploaded = upload_evidence(
                    lambda method, where, sent: self.request(method, where, sent), key, path
                )
                if status != 201:
                    return status, uploaded
                self.uploads[(key, path)] = uploaded["evidence_photo"]
            body["evidence_photo"] = self.uploads[(key, path)]
        return self.request(
            "POST",
            f"/agency/reports/{quote(key, safe='')}/actions/{action}",
            body,
            {"Idempotency-Key": idempotency_key} | ({"If-Match": str(version)} if version else {}),
        )


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _stage_and_province(stage: str) -> tuple[str, str]:
    try:
        province = resolve_province(stage)
    except UnknownStage as error:
        raise typer.BadParameter(str(error), param_hint="--stage") from None
    name = next((s for s, code in stage_provinces().items() if code == province), stage)
    return name, province


ASK = "-"  # ``--token -``: ask for the token (not echoed), or read it from a pipe
TOKEN_HELP = (
    "Bearer token. Typed here it stays in the shell's history and shows in the process list: rather set "
    f"ADUAN_TOKEN, or give '{ASK}' to be asked for it without echo (or to read its first line from a pipe). "
    "Without either, on the local stack only: a development token."
)


def token_option() -> Any:
    """``--token``, the same in every command that calls the API: also read from ``$ADUAN_TOKEN``."""
    return typer.Option(None, "--token", envvar="ADUAN_TOKEN", show_envvar=True, help=TOKEN_HELP)


def stage_option() -> Any:
    """``--stage``, the same in every command."""
    return typer.Option(..., help="Stage (province) of the agency, e.g. banten")


def agency_option() -> Any:
    """``--agency``, required."""
    return typer.Option(..., help="Agency id from the province data")


def role_option(default: str = "officer") -> Any:
    """``--role`` of a development token."""
    return typer.Option(default, help="Role for development tokens")


def api_option() -> Any:
    """``--api``, the same in every command that calls the API."""
    return typer.Option(None, help="API base URL (default: the running local stack's)")


def _is_terminal() -> bool:
    return sys.stdin.isatty()


def _asked_token() -> str:
    """The token typed at a hidden prompt, or the first line of a pipe; never echoed."""
    if _is_terminal():
        typed = typer.prompt("Token (tidak ditampilkan / not shown)", hide_input=True, err=True)
    else:
        typed = sys.stdin.readline()
    if not typed.strip():
        raise typer.BadParameter("token kosong (empty token)", param_hint="--token")
    return typed.strip()


def _local_api(base: str) -> bool:
    """Whether ``base`` is the local stack's API, the only one that accepts a development token: an
    address of ``.local/stack.json`` (``--api`` not given) or one on this machine (``localhost``)."""
    stack = aws.local_stack()
    if stack is not None and base in {url.rstrip("/") for url in stack.apis.values()}:
        return True
    host = urlsplit(base).hostname or ""
    try:
        return host == "localhost" or ip_address(host).is_loopback
    except ValueError:
        return False


def _token(stage: str, agency: str, role: str, token: str | None, base: str) -> str:
    """The token given (``-``: asked for); without one, a development token, for the local stack only:
    any other API refuses it (401), so its officer is told how to give theirs instead."""
    if token == ASK:
        return _asked_token()
    if token:
        return token.strip()
    if not _local_api(base):
        raise typer.BadParameter(
            f"token diperlukan (a token is needed): API {shown(base)} bukan stack lokal: berikan token "
            f"instansi Anda lewat ADUAN_TOKEN, atau '--token {ASK}' untuk mengetiknya tanpa ditampilkan (not "
            "the local stack, which alone accepts development tokens: give your agency's token in "
            f"ADUAN_TOKEN, or '--token {ASK}' to type it unseen).",
            param_hint="--token",
        )
    from cli.devissuer import mint  # development only: local stack tokens

    return mint(stage, agency, role)


def _api_and_token(stage: str, agency: str, role: str, token: str | None, api: str | None) -> tuple[str, str]:
    """The API's base URL (``--api``, else the local stack's) and the token to send it."""
    base = aws.api_base(stage, api)
    return base, _token(stage, agency, role, token, base)


def _acting(entry: dict[str, Any]) -> str:
    """A step's agency, and the account that took it when the API names one (a coordinator's or admin's
    step, shown to agencies only)."""
    agency = (entry.get("agency") or {}).get("short_name") or "-"
    return f"{agency} (oleh / by {entry['acted_by']})" if entry.get("acted_by") else agency


def _local_time(iso: str | None, province: Province) -> str:
    """A deadline as the officer reads a clock: in the province's time zone, to the minute (``17:22 WIB``)."""
    if not iso:
        return "-"
    when = datetime.fromisoformat(iso).astimezone(province.zone)
    return f"{when:%Y-%m-%d %H:%M} {zone_label(province.data)}"


def _area_name(code: str) -> str:
    """An area as the console's inbox and the report's detail name it (``Tebet, Kota Adm. Jakarta Selatan``);
    its code if the data does not know it."""
    province = registry().provinces.get(code[:2])
    chain = province.area_chain(code) if province else []
    return ", ".join(area.name for area in chain) or code


def _province_name(code: str | None) -> str:
    """A province by name (``DKI Jakarta``), its code if the data does not know it."""
    province = registry().provinces.get(code or "")
    return province.name if province else str(code)


def show_item(item: WorkItem) -> None:
    """A readable panel of one work item."""
    province = registry().get(item.province)
    category = province.categories.get(item.category)
    area = " / ".join(a.name for a in registry().get(item.area_code[:2]).area_chain(item.area_code))
    table = Table.grid(padding=(0, 2))
    table.add_row("Laporan", f"[bold]{item.report_id}[/]  ({item.report_key})")
    table.add_row("Kategori", f"{category.icon} {category.name_id}" if category else item.category)
    table.add_row("Wilayah", area)
    table.add_row("Status", item.status.label)
    if "~" in item.report_key:  # received from another province: the number its reporter quotes is its id
        table.add_row("Asal laporan", f"Provinsi {_province_name(item.report_id[:2])}")
    table.add_row("Catatan", item.note or "-")
    console.print(Panel(table, title=f"[cyan]Pekerjaan baru · {item.action.value}[/]", expand=False))


def ask(item: WorkItem) -> Decision:
    """Ask the officer what to do with an item."""
    show_item(item)
    choice = Prompt.ask(MENU, choices=list(CHOICES), default="t")
    action = CHOICES[choice]
    body: dict[str, Any] = {}
    if action == "estimate":
        body["estimated_completion"] = Prompt.ask("Estimasi selesai (YYYY-MM-DD)")
    if action in ("forward", "refuse"):
        body["to_agency"] = Prompt.ask(_target_question(action, item), default="", show_default=False)
    if action in ("refuse", "reject", "resolve", "forward"):
        body["note"] = Prompt.ask("Catatan / alasan")
    if action == "resolve":
        body.update(_evidence())
    if action == "duplicate":  # as the console's "Duplikat": the original's number, as a citizen reads it out
        body["of"] = Prompt.ask("Nomor laporan asli (the original report's number, e.g. 31-261127-K3M9)")
        note = Prompt.ask("Catatan (boleh kosong / optional)", default="", show_default=False)
        body |= {"note": note} if note.strip() else {}
    return Decision(action, body)


def _target_question(action: str, item: WorkItem) -> str:
    """Where the report may go, as the console's hint says: forward stays in this province; refuse may name
    another province's agency; a report received from another province goes back there (left empty)."""
    if action == "forward":
        return "Ke instansi di provinsi ini (id, mis. dlh)"
    if "~" in item.report_key:
        origin = _province_name(item.report_id[:2])
        return f"Kosongkan untuk mengembalikan ke {origin}, provinsi asal (leave empty to hand it back there)"
    neighbours = ", ".join(registry().get(item.province).data.exchanges_with) or "-"
    return f"Ke instansi (id, atau <provinsi>:id / <provinsi>: untuk provinsi lain: {neighbours})"


PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


def _evidence() -> dict[str, str]:
    """A resolve's evidence: a photo file, or a text reference (``SPK-12/2026``). A photo's name that is
    not a file (a typo) is asked again, never sent as the reference."""
    while True:
        answer = Prompt.ask("Foto bukti (path .jpg/.png) atau referensi teks").strip()
        photo = Path(answer).expanduser()
        if photo.is_file():
            return {"evidence_file": str(photo)}
        if photo.suffix.lower() not in PHOTO_SUFFIXES:
            return {"evidence": answer}
        console.print(f"[red]Berkas tidak ditemukan (file not found):[/] {escape(answer)}")


@app.command()
def poll(
    stage: str = stage_option(),
    agency: str = agency_option(),
    role: str = role_option(),
    token: str | None = token_option(),
    api: str | None = api_option(),
    once: bool = typer.Option(False, help="Handle one batch and stop"),
    wait: int = typer.Option(20, min=0, max=20, help="Long-poll seconds"),
) -> None:
    """Long-poll the agency's work queue; act on each item; delete it only once the action is recorded."""
    stage_name, province = _stage_and_province(stage)
    agencies = registry().get(province).agencies
    if agency not in agencies:
        raise typer.BadParameter(f"agency '{agency}' is not in province {province}")
    if not agencies[agency].work_queue:  # no queue to poll: its officers work the inbox
        raise typer.BadParameter(
            f"instansi '{agency}' tidak punya antrean kerja (agency has no work queue: work_queue is "
            f"false in province {province}'s data); kotak masuknya (its inbox): "
            f"bin/aduan agency inbox --stage {stage} --agency {agency}",
            param_hint="--agency",
        )
    # an --api named (a remote one's missing token) is answered before any AWS call, the local stack's after
    named = _api_and_token(stage_name, agency, role, token, api) if api else None
    queue = WorkQueue(aws.client("sqs"), province, agency)
    http = HttpApi(*(named or _api_and_token(stage_name, agency, role, token, api)))
    console.print(f"[green]Memantau antrean[/] {queue.url}  (Ctrl-C untuk berhenti)")
    try:
        while True:
            with console.status("Menunggu pekerjaan baru…"):
                messages = queue.receive(wait_seconds=wait)
            for outcome in queue.process(messages, ask, http):
                colour = "green" if outcome.deleted else "yellow"
                console.print(f"[{colour}]{outcome.action}[/] → {outcome.message}")
            if once:
                return
    except KeyboardInterrupt:
        console.print("Berhenti.")


def _nothing(agency: str, status: str | None, overdue: bool, cursor: str | None) -> str:
    """The sentence for an empty page: no report under the filter asked, or none after the last page."""
    inbox = f"Kotak masuk {agency}: tidak ada laporan"
    if cursor:
        return f"{inbox} lagi ({agency}'s inbox: no more reports)."
    asked = [(f"status {status.upper()}",) * 2] if status else []
    asked += [("hanya yang terlambat", "only overdue")] if overdue else []
    if not asked:
        return f"{inbox} ({agency}'s inbox: no reports)."
    words_id, words_en = (", ".join(words) for words in zip(*asked, strict=True))
    return f"{inbox} dengan filter {words_id} ({agency}'s inbox: no reports with the filter {words_en})."


@app.command()
def inbox(
    ctx: typer.Context,
    stage: str = stage_option(),
    agency: str = agency_option(),
    status: str | None = typer.Option(None, help="MENUNGGU, KOORDINASI, DISPOSISI, PROSES, SELESAI, DITOLAK"),
    overdue: bool = typer.Option(
        False, "--overdue", help="Only reports past a deadline (as the console's filter)"
    ),
    role: str = role_option(),
    token: str | None = token_option(),
    api: str | None = api_option(),
    cursor: str | None = typer.Option(None, help="Continue after a page (the command it prints says how)"),
) -> None:
    """The agency's reports over HTTPS, as the web inbox shows them: a page at a time, newest first."""
    stage_name, province_code = _stage_and_province(stage)
    province = registry().get(province_code)
    http = HttpApi(*_api_and_token(stage_name, agency, role, token, api))
    asked = {"status": status, "agency": agency, "overdue": "true" if overdue else None, "cursor": cursor}
    query = urlencode({k: v for k, v in asked.items() if v})
    code, body = http.request("GET", f"/agency/reports?{query}")
    if code != 200:
        error = body.get("error", {})
        console.print(f"[red]{escape(str(error.get('code')))}[/]: {escape(str(error.get('message')))}")
        raise typer.Exit(1)
    if not body["items"]:  # an empty table tells nothing: say so, and under which filter
        console.print(escape(_nothing(agency, status, overdue, cursor)), soft_wrap=True)
        return
    # The number and the deadline are read out or typed whole: never wrapped (the others wrap on a
    # narrow terminal, 80 columns when the output is not one)
    table = Table(
        Column("Laporan", no_wrap=True),
        "Status",
        "Kategori",
        "Wilayah",
        Column("Batas selesai", no_wrap=True),
        "Catatan",
        title=f"Kotak masuk {agency}",
    )
    for row in body["items"]:
        back = row.get("handed_back")  # another province handed it back: why is in `agency show`
        flags = (
            ("⚠ terlambat " if row["overdue"] else "")
            + (f"↪ dari {_province_name(row['origin_province'])}" if row["origin_province"] else "")
            + (f"↩ dikembalikan oleh {back['province']['name']}" if back else "")
        )
        category = province.categories.get(row["category"])
        table.add_row(
            row["key"],
            row["status"]["label"],
            category.name_id if category else row["category"],
            _area_name(row["area_code"]),
            _local_time(row["finish_by"], province),
            flags,
        )
    console.print(table)
    if body.get("next_cursor"):  # the inbox goes on: never let a page pass for the whole of it
        # the same command, as typed (the program's name, the API and role asked), never the token
        program = ctx.find_root().info_name or "bin/aduan"
        given = {"--stage": stage, "--agency": agency, "--status": status, "--api": api and shown(api)}
        given |= {"--role": role} if role != "officer" else {}
        again = " ".join(
            [program, "agency", "inbox"]
            + [f"{k} {shlex.quote(v)}" for k, v in given.items() if v]
            + (["--overdue"] if overdue else [])
        )
        console.print(
            escape(f"Masih ada laporan lain (more reports): {again} --cursor {body['next_cursor']}"),
            soft_wrap=True,
        )


@app.command()
def handed(
    ctx: typer.Context,
    stage: str = stage_option(),
    to: str | None = typer.Option(None, "--to", help="One neighbouring province (36); without it, every one"),
    status: str | None = typer.Option(None, help="MENUNGGU, KOORDINASI, DISPOSISI, PROSES, SELESAI, DITOLAK"),
    agency: str = typer.Option("koordinator", help="The coordinating agency of the token"),
    role: str = role_option("coordinator"),
    token: str | None = token_option(),
    api: str | None = api_option(),
    cursor: str | None = typer.Option(None, help="Continue after a page (the command it prints says how)"),
) -> None:
    """Reports this province handed to another province ("Diserahkan ke provinsi lain", coordinators):
    with which province, in which status there, and whether it accepted them; a page at a time."""
    stage_name, province_code = _stage_and_province(stage)
    province = registry().get(province_code)
    http = HttpApi(*_api_and_token(stage_name, agency, role, token, api))
    query = urlencode({k: v for k, v in {"to": to, "status": status, "cursor": cursor}.items() if v})
    code, body = http.request("GET", f"/agency/handed?{query}")
    if code != 200:
        error = body.get("error", {})
        console.print(f"[red]{escape(str(error.get('code')))}[/]: {escape(str(error.get('message')))}")
        raise typer.Exit(1)
    where = f"Provinsi {_province_name(to)}" if to else "provinsi lain"
    if not body["items"]:
        more = " lagi (no more)" if cursor else " (none)"
        console.print(escape(f"Diserahkan ke {where}: tidak ada laporan{more}."), soft_wrap=True)
        return
    table = Table(
        Column("Laporan", no_wrap=True),
        "Provinsi",
        "Status di sana",
        "Instansi",
        "Kategori",
        "Wilayah",
        Column("Batas selesai", no_wrap=True),
        "Catatan",
        title=f"Diserahkan ke {where} (handed to another province)",
    )
    for row in body["items"]:
        category = province.categories.get(row["category"])
        held = row.get("handling_agency") or {}
        flags = ("⚠ terlambat " if row["overdue"] else "") + (
            "" if row["accepted"] else "⏳ belum diterima (not accepted yet)"
        )
        table.add_row(
            row["key"],
            escape(row["escalated_to"]["name"]),
            row["status"]["label"] + (" (ditutup)" if row["closed"] else ""),
            escape(held.get("short_name") or "-"),
            category.name_id if category else row["category"],
            _area_name(row["area_code"]),
            _local_time(row["finish_by"], province),
            flags,
        )
    console.print(table)
    if body.get("next_cursor"):
        program = ctx.find_root().info_name or "bin/aduan"
        given = {"--stage": stage, "--to": to, "--status": status, "--api": api and shown(api)}
        given |= {"--agency": agency} if agency != "koordinator" else {}
        given |= {"--role": role} if role != "coordinator" else {}
        again = " ".join(
            [program, "agency", "handed"] + [f"{k} {shlex.quote(v)}" for k, v in given.items() if v]
        )
        console.print(
            escape(f"Masih ada laporan lain (more reports): {again} --cursor {body['next_cursor']}"),
            soft_wrap=True,
        )


@app.command()
def show(
    number: str = typer.Argument(..., help="The report's number as read out (31-261127-K3M9) or its key"),
    stage: str = stage_option(),
    agency: str = agency_option(),
    role: str = role_option(),
    token: str | None = token_option(),
    api: str | None = api_option(),
) -> None:
    """One report as the console's detail shows it: its status, which province has it now, where it came
    from, and its timeline with each note (why it was handed over or back)."""
    stage_name, province_code = _stage_and_province(stage)
    province = registry().get(province_code)
    http = HttpApi(*_api_and_token(stage_name, agency, role, token, api))
    code, report = http.current(number.strip())
    if code != 200:
        error = report.get("error", {})
        console.print(f"[red]{escape(str(error.get('code')))}[/]: {escape(str(error.get('message')))}")
        raise typer.Exit(1)
    held = report.get("agency") or {}
    table = Table.grid(padding=(0, 2))
    shown_key = f"  ({escape(report['key'])})" if report["key"] != report["id"] else ""
    table.add_row("Laporan", f"[bold]{escape(report['id'])}[/]{shown_key}")
    table.add_row(
        "Status", escape(report["status"]["label"]) + (" (ditutup / closed)" if report["closed"] else "")
    )
    table.add_row("Kategori", escape(report["category"]["name"]))
    table.add_row("Wilayah", escape(", ".join(report["area"]["names"]) or report["area"]["code"]))
    if held:
        table.add_row("Instansi", escape(f"{held['name']} ({_province_name(held['province'])})"))
    if report.get("escalated_to") and not report["closed"]:
        elsewhere = _province_name(report["escalated_to"])
        table.add_row(
            "Ditangani",
            escape(f"Provinsi {elsewhere}: hanya dibaca di sini (handled by {elsewhere}: read-only here)"),
        )
    if report.get("escalated_from_other_province"):
        table.add_row("Asal laporan", escape(f"Provinsi {_province_name(report['origin_province'])}"))
    table.add_row("Batas selesai", _local_time(report["deadlines"]["finish_by"], province))
    console.print(Panel(table, expand=False))
    timeline = Table(
        Column("Waktu", no_wrap=True), "Provinsi", "Status", "Instansi", "Catatan", title="Riwayat (timeline)"
    )
    for entry in report["timeline"]:
        timeline.add_row(
            _local_time(entry["at"], province),
            escape(entry["province"]["name"]),
            escape(entry["status"]["label"]),
            escape(_acting(entry)),
            escape(entry.get("note") or "-"),
        )
    console.print(timeline)
