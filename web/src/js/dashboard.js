// The province dashboard: counts by status and category over time, service levels per agency.
import { api, errorText } from "./api.js";
import { $, el, fill } from "./dom.js";
import { currentLang, locale, t } from "./i18n.js";
import { initPage, showError } from "./layout.js";
import { currentSession } from "./session.js";
import { horizontalBars, meter, stackedColumns } from "./charts.js";

const STATUS_ORDER = ["MENUNGGU", "DISPOSISI", "KOORDINASI", "PROSES", "SELESAI", "DITOLAK"];
let data = null;

const shortDate = (iso) => new Intl.DateTimeFormat(locale(), { day: "numeric", month: "short", timeZone: "UTC" })
  .format(new Date(`${iso}T00:00:00Z`));
const percent = (rate) => (rate === null || rate === undefined ? "–" : `${Math.round(rate * 100)}%`);
const number = (value) => new Intl.NumberFormat(locale()).format(value);
const categoryLabel = (c) => `${c.icon ?? ""} ${currentLang() === "en" ? c.name_en : c.name}`.trim();
const statusName = (status) => (currentLang() === "en" ? `${status.label_en} (${status.label})` : status.label);

function summary() {
  const statuses = new Map(data.statuses.map((s) => [s.code, s]));
  return el("ul", { class: "summary" },
    el("li", {}, el("strong", { text: String(data.total) }), ` ${t("dashboard.total")}`),
    STATUS_ORDER.map((code) => el("li", { class: "legend-item" },
      el("span", { class: `swatch fill-${code.toLowerCase()}`, "aria-hidden": "true" }),
      el("strong", { text: String(statuses.get(code)?.count ?? 0) }), ` ${statusName(statuses.get(code))}`)),
    el("li", {}, el("strong", { text: String(data.received_from_other_province) }), ` ${t("dashboard.received")}`),
    el("li", {}, el("strong", { text: String(data.escalated_out) }), ` ${t("dashboard.escalatedOut")}`));
}

function overTime() {
  const statuses = new Map(data.statuses.map((s) => [s.code, s]));
  return stackedColumns({
    dates: data.series.dates,
    series: data.series.by_status,
    keys: STATUS_ORDER,
    title: t("dashboard.overTimeTitle", { days: data.days }),
    dateLabel: shortDate,
    segmentLabel: (code) => statusName(statuses.get(code)),
  });
}

function byCategory() {
  if (!data.categories.length) return el("p", { class: "hint", text: t("dashboard.empty") });
  return horizontalBars({
    title: t("dashboard.byCategory"),
    items: data.categories.map((c) => ({
      label: categoryLabel(c), value: c.count })),
  });
}

function complianceCell(outcome, label) {
  const decided = outcome.met + outcome.missed;
  return el("td", {},
    meter(outcome.rate, `${label}: ${percent(outcome.rate)}`),
    el("span", { text: ` ${percent(outcome.rate)} ` }),
    el("span", { class: "hint", text: t("dashboard.metOf", { met: outcome.met, decided, pending: outcome.pending }) }));
}

function evidenceCell(share) {
  const label = t("dashboard.verifiedEvidence");
  return el("td", { class: "evidence-share" },
    meter(share.rate, `${label}: ${percent(share.rate)}`),
    el("span", { text: ` ${percent(share.rate)} ` }),
    el("span", { class: "hint", text: t("dashboard.verifiedOf", { verified: share.verified, completions: share.completions }) }));
}

/** A row of reports in no agency's row (``count``), said to be outside the compliance. */
function outsideRow(label, count, why) {
  return el("tr", { class: "outside" },
    el("th", { scope: "row", text: label }),
    el("td", { text: String(count) }),
    el("td", { colspan: "3", class: "hint", text: why }));
}

/**
 * Each agency's reports and compliance; then the reports in no agency's row (none yet, or handed to
 * another province), so the rows add up to the total.
 */
function agencies() {
  if (!data.total) return el("p", { class: "hint", text: t("dashboard.empty") });
  // On a phone the table scrolls sideways inside its box: a keyboard reaches it (tabindex) to scroll
  // it with the arrow keys, and a screen reader names the region it lands on (WCAG 2.1.1).
  return el("div", { class: "table-wrap", tabindex: "0", role: "region",
    "aria-label": t("dashboard.complianceCaption") }, el("table", { class: "compliance" },
    el("caption", { class: "visually-hidden", text: t("dashboard.complianceCaption") }),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col", text: t("console.agency") }),
      el("th", { scope: "col", text: t("dashboard.reports") }),
      el("th", { scope: "col", text: t("dashboard.coordinated") }),
      el("th", { scope: "col", text: t("dashboard.finished") }),
      el("th", { scope: "col", text: t("dashboard.verifiedEvidence") }))),
    el("tbody", {}, data.agencies.map((a) => el("tr", {},
      el("th", { scope: "row", text: a.short_name, title: a.name }),
      el("td", { text: String(a.total) }),
      complianceCell(a.coordinate, t("dashboard.coordinated")),
      complianceCell(a.finish, t("dashboard.finished")),
      evidenceCell(a.evidence))),
      data.unassigned ? outsideRow(t("dashboard.unassigned"), data.unassigned, t("dashboard.unassignedWhy")) : null,
      data.escalated_out ? outsideRow(t("dashboard.handedOn"), data.escalated_out, t("dashboard.handedOnWhy")) : null),
    el("tfoot", {}, el("tr", {},
      el("th", { scope: "row", text: t("dashboard.allReports") }),
      el("td", { text: String(data.total) }),
      el("td", { colspan: "3" })))));
}

/** What compliance is measured against: the province's deadlines, and the categories' own (in the window). */
function deadlines() {
  const standard = data.service_levels;
  const lead = el("p", { class: "hint", id: "compliance-lead", text: t("dashboard.complianceLead",
    { hours: number(standard.coordinate_hours), days: number(standard.finish_days) }) });
  const own = data.categories.filter((c) => c.coordinate_hours !== standard.coordinate_hours
    || c.finish_days !== standard.finish_days);
  if (!own.length) return lead;
  return [lead, el("p", { class: "hint", id: "compliance-own", text: t("dashboard.levelsOther") }),
    el("ul", { class: "hint levels", "aria-labelledby": "compliance-own" }, own.map((c) => el("li", {
      text: t("dashboard.levelItem", { name: categoryLabel(c), hours: number(c.coordinate_hours), days: number(c.finish_days) }) })))];
}

function render() {
  if (!data) return;
  fill($("#dashboard-view"),
    data.area ? el("p", { class: "notice", id: "dashboard-area", text: t("dashboard.area", { name: data.area.name }) }) : null,
    el("p", { class: "hint", text: t("dashboard.window", { since: shortDate(data.series.dates[0]),
      until: shortDate(data.series.dates[data.series.dates.length - 1]) }) }),
    summary(),
    el("h2", { text: t("dashboard.overTime") }), overTime(),
    el("h2", { text: t("dashboard.byCategory") }), byCategory(),
    el("h2", { text: t("dashboard.compliance") }),
    deadlines(), agencies());
}

async function load(session) {
  const error = $("#dashboard-error");
  $("#dashboard-view").setAttribute("aria-busy", "true");
  try {
    data = await api(`/dashboard?days=${encodeURIComponent($("#days").value)}`, { token: session.token });
    showError(error, "");
    render();
  } catch (failure) {
    showError(error, () => errorText(failure));
  } finally {
    $("#dashboard-view").removeAttribute("aria-busy");
  }
}

await initPage("dashboard", render);
const session = currentSession();
if (!session) {
  $("#need-signin").hidden = false;
} else if (session.role === "officer") {
  $("#need-role").hidden = false;
} else {
  $("#dashboard-form").hidden = false;
  $("#dashboard-form").addEventListener("submit", (event) => {
    event.preventDefault();
    load(session);
  });
  await load(session);
}
document.body.dataset.ready = "true";
