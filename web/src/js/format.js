// Dates, countdowns, statuses and categories in the current language.
import config from "../config.js";
import { el } from "./dom.js";
import { currentLang, locale, t } from "./i18n.js";

/** A date and time in the province's time zone, labelled with it (WIB, WITA, WIT): the phone's may differ. */
export function dateTime(iso) {
  if (!iso) return "–";
  const shown = new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short", timeZone: config.timezone })
    .format(new Date(iso));
  return config.timezoneLabel ? `${shown} ${config.timezoneLabel}` : shown;
}

/** A calendar date (YYYY-MM-DD) as words. */
export function dateOnly(iso) {
  if (!iso) return "–";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));
}

/** Today's date (YYYY-MM-DD) in the province's time zone, ``days`` later if given. */
export function provinceDate(days = 0, now = Date.now()) {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone }).format(new Date(now));
  const later = new Date(`${today}T00:00:00Z`);
  later.setUTCDate(later.getUTCDate() + days);
  return later.toISOString().slice(0, 10);
}

/** "in 5 hours" / "2 days ago", relative to now. */
export function relative(iso, now = Date.now()) {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 3600) return format.format(Math.round(seconds / 60), "minute");
  if (abs < 86400 * 2) return format.format(Math.round(seconds / 3600), "hour");
  return format.format(Math.round(seconds / 86400), "day");
}

/** Roughly when ``seconds`` from now is, rounded up (never too early): "dalam 2 menit", "in 2 minutes". */
export function inAbout(seconds) {
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: "always" });
  if (seconds < 60) return format.format(Math.ceil(seconds), "second");
  if (seconds < 3600) return format.format(Math.ceil(seconds / 60), "minute");
  return format.format(Math.ceil(seconds / 3600), "hour");
}

/** A deadline: the date, a countdown, and whether it has passed. */
export function deadline(labelKey, iso, done = false) {
  if (!iso) return null;
  const passed = !done && new Date(iso).getTime() < Date.now();
  return el("li", { class: passed ? "deadline passed" : "deadline" },
    el("span", { class: "deadline-label", text: `${t(labelKey)}: ` }),
    el("time", { datetime: iso, text: dateTime(iso) }),
    done ? null : el("span", { class: "countdown", text: ` (${relative(iso)})` }),
    passed ? el("span", { class: "badge badge-overdue", text: t("sla.passed") }) : null);
}

/** A status in the current language: Indonesian label, English with the Indonesian kept. */
export function statusText(status) {
  if (!status) return "–";
  return currentLang() === "en" ? `${status.label_en} (${status.label})` : status.label;
}

/** A coloured status badge. */
export function statusBadge(status) {
  return el("span", { class: `badge status-${(status.code || "").toLowerCase()}`, text: statusText(status) });
}

/** A category's name in the current language. */
export function categoryName(category) {
  if (!category) return "–";
  return currentLang() === "en" ? category.name_en : category.name;
}

/** The name of an action of the timeline. */
export function actionText(action) {
  const key = `action.${action}`;
  const text = t(key);
  return text === key ? action : text;
}
