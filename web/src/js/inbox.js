// The agency inbox: filters by status and overdue, pages with a cursor, countdowns and badges.
import { api } from "./api.js";
import { areaName, nameAreas } from "./areas.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { categoryName, dateTime, relative, statusBadge } from "./format.js";
import { evidenceCheck } from "./timeline.js";

const COORDINATING = ["MENUNGGU", "DISPOSISI", "KOORDINASI"];

/** GET /agency/reports with the filters; resolves with {items, next_cursor}. */
export function fetchInbox(session, { status, overdue, agency, cursor, sort }) {
  const query = new URLSearchParams({ limit: "20" });
  if (status) query.set("status", status);
  if (overdue) query.set("overdue", "true");
  if (agency) query.set("agency", agency);
  if (cursor) query.set("cursor", cursor);
  if (sort) query.set("sort", sort);
  return api(`/agency/reports?${query}`, { token: session.token });
}

/** The service-level line of an open report: which deadline comes next and how far it is. */
export function slaLine(item) {
  if (item.closed || ["SELESAI", "DITOLAK"].includes(item.status.code)) return null;
  const [key, due] = COORDINATING.includes(item.status.code)
    ? ["sla.coordinateBy", item.coordinate_by] : ["sla.finishBy", item.finish_by];
  if (!due) return null;
  const passed = new Date(due).getTime() < Date.now();
  return el("p", { class: passed ? "sla passed" : "sla" },
    `${t(key)}: `, el("time", { datetime: due, text: relative(due) }));
}

/**
 * Badges: escalated from another province, handed to another one (and not accepted there yet), handed back
 * by another province, overdue, resolved by you.
 */
export function badges(item, provinceNames) {
  const back = item.handed_back;
  // the handed list's row names the province ({ code, name }); a report's detail gives its code alone
  const elsewhere = typeof item.escalated_to === "string"
    ? { code: item.escalated_to, name: item.escalated_to } : item.escalated_to;
  return [
    elsewhere ? el("span", { class: "badge badge-escalated", text: t("console.withProvince", {
      province: provinceNames[elsewhere.code] || elsewhere.name }) + (item.handling_agency
      ? ` · ${item.handling_agency.short_name}` : "") }) : null,
    elsewhere && item.accepted === false ? el("span", { class: "badge",
      text: t("console.notAccepted") }) : null,
    item.escalated_from_other_province ? el("span", { class: "badge badge-escalated",
      text: t("console.escalatedFrom", { province: provinceNames[item.origin_province] || item.origin_province }) }) : null,
    back ? el("span", { class: "badge badge-handed-back",
      text: t("console.handedBackBy", { province: provinceNames[back.province.code] || back.province.name }) }) : null,
    item.overdue ? el("span", { class: "badge badge-overdue", text: t("sla.overdue") }) : null,
    item.resolved_by_you ? el("span", { class: "badge badge-yours", text: t("console.resolvedByYou") }) : null,
  ];
}

/** One inbox row, a link to the report's detail. */
export function inboxItem(item, categories, provinceNames) {
  const category = categories[item.category];
  return el("li", { class: item.escalated_from_other_province ? "inbox-item escalated" : "inbox-item",
    "data-key": item.key },
  el("a", { href: `#report=${encodeURIComponent(item.key)}`, class: "inbox-link" },
    el("span", { class: "inbox-id", text: item.id }),
    el("span", { class: "inbox-category" },
      category ? el("span", { "aria-hidden": "true", text: `${category.icon} ` }) : null,
      category ? categoryName(category) : item.category)),
  el("p", { class: "inbox-meta" }, statusBadge(item.status), badges(item, provinceNames),
    el("span", { class: "inbox-support", text: t("console.supportCount", { count: item.support_count }) })),
  slaLine(item),
  item.handed_back?.note ? el("p", { class: "inbox-handed-back" },
    `${t("console.handedBackWhy")}: `, el("span", { text: item.handed_back.note })) : null,
  evidenceCheck(item.evidence_check), // the "Bukti meragukan" list: why the evidence is in doubt
  el("p", { class: "hint" }, `${t("track.created")}: ${dateTime(item.created_at)} · `,
    el("span", { class: "inbox-area", "data-area": item.area_code, text: areaName(item.area_code) || item.area_code })));
}

/** Name the rows' areas (``nameAreas``) in place once read: the list is not redrawn under the officer's focus. */
export async function nameInboxAreas(list, items) {
  const named = await nameAreas(items.map((item) => item.area_code));
  for (const node of list.querySelectorAll(".inbox-area")) {
    if (named.includes(node.dataset.area)) node.textContent = areaName(node.dataset.area);
  }
}
