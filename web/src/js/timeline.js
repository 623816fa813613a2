// A report's timeline: who did what, when, in which province.
import config from "../config.js";
import { el, photo, safeLink } from "./dom.js";
import { currentLang, t } from "./i18n.js";
import { actionText, dateOnly, dateTime, statusText } from "./format.js";

function byline(entry) {
  const parts = [];
  if (entry.agency) parts.push(entry.agency.name);
  if (entry.province) parts.push(t("timeline.province", { name: entry.province.name }));
  if (entry.acted_by) parts.push(t("timeline.actedBy", { account: entry.acted_by })); // officers' views only
  return parts.join(" · ");
}

// A resolve's evidence: its photo (a cleaned copy, where the report's content is shown), or its text,
// shown as text (a photo key written as text is never turned into a photo).
function evidence(entry) {
  const label = `${t("timeline.evidence")}: `;
  if (entry.evidence_photo) {
    return el("p", { class: "entry-evidence" }, label, photo(entry.evidence_photo, t("timeline.evidencePhotoAlt")));
  }
  if (!entry.evidence) return null;
  return el("p", { class: "entry-evidence" }, label, safeLink(entry.evidence));
}

/**
 * The checks of a resolve's evidence photo: "Bukti terverifikasi", or "Bukti belum terverifikasi" with
 * the reasons (issue #16). ``check`` is the API's evidence_check; null draws nothing.
 */
export function evidenceCheck(check) {
  if (!check) return null;
  const en = currentLang() === "en";
  const verified = check.verified;
  return el("div", { class: verified ? "evidence-check verified" : "evidence-check unverified" },
    el("p", {}, el("span", { class: verified ? "badge badge-verified" : "badge badge-unverified",
      text: t(verified ? "evidence.verified" : "evidence.unverified") })),
    verified || !check.reasons.length ? null : el("ul", { class: "evidence-reasons" },
      check.reasons.map((r) => el("li", { "data-code": r.code, text: en ? r.message_en : r.message }))));
}

/**
 * What an estimate entry estimated: the report's estimated completion (``estimate``, its
 * deadlines.estimated_completion) on the latest estimate, as a date in the page's language; an earlier
 * one says a later estimate replaced it (the report keeps only the latest date).
 */
function estimated(entry, latest, estimate) {
  if (entry.action !== "estimate") return null;
  if (entry !== latest) return el("p", { class: "entry-estimate", text: t("timeline.estimateReplaced") });
  if (!estimate) return null;
  return el("p", { class: "entry-estimate" }, `${t("sla.estimate")}: `,
    el("time", { datetime: estimate, text: dateOnly(estimate) }));
}

/**
 * An ordered list of timeline entries, oldest first; other provinces' entries marked. ``estimate``: the
 * report's estimated completion date (deadlines.estimated_completion), shown on its estimate entry.
 */
export function timeline(entries, { estimate = null } = {}) {
  const latest = (entries || []).findLast((entry) => entry.action === "estimate");
  return el("ol", { class: "timeline" }, (entries || []).map((entry) => {
    const foreign = entry.province && entry.province.code !== config.province;
    return el("li", { class: foreign ? "entry other-province" : "entry", "data-province": entry.province?.code },
      el("p", { class: "entry-head" },
        el("time", { datetime: entry.at, text: dateTime(entry.at) }), " · ",
        el("strong", { text: statusText(entry.status) }), " · ",
        el("span", { text: actionText(entry.action) })),
      el("p", { class: "entry-by" }, byline(entry), foreign ? " " : null,
        foreign ? el("span", { class: "badge badge-province", text: entry.province.name }) : null),
      estimated(entry, latest, estimate),
      entry.note ? el("p", { class: "entry-note", text: entry.note }) : null,
      evidence(entry),
      evidenceCheck(entry.evidence_check));
  }));
}
