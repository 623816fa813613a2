// A report's timeline: who did what, when, in which province.
import config from "../config.js";
import { el, photo, safeLink } from "./dom.js";
import { t } from "./i18n.js";
import { actionText, dateTime, statusText } from "./format.js";

function byline(entry) {
  const parts = [];
  if (entry.agency) parts.push(entry.agency.name);
  if (entry.province) parts.push(t("timeline.province", { name: entry.province.name }));
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

/** An ordered list of timeline entries, oldest first; other provinces' entries marked. */
export function timeline(entries) {
  return el("ol", { class: "timeline" }, (entries || []).map((entry) => {
    const foreign = entry.province && entry.province.code !== config.province;
    return el("li", { class: foreign ? "entry other-province" : "entry", "data-province": entry.province?.code },
      el("p", { class: "entry-head" },
        el("time", { datetime: entry.at, text: dateTime(entry.at) }), " · ",
        el("strong", { text: statusText(entry.status) }), " · ",
        el("span", { text: actionText(entry.action) })),
      el("p", { class: "entry-by" }, byline(entry),
        foreign ? el("span", { class: "badge badge-province", text: entry.province.name }) : null),
      entry.note ? el("p", { class: "entry-note", text: entry.note }) : null,
      evidence(entry));
  }));
}
