// "Sudah dilaporkan?": open reports of the same category within 50 m of the point (GET /reports/nearby),
// each with its status and photo, and "Dukung laporan ini" (POST /reports/{id}/support) instead of a copy;
// a private report, listed without its id, by its row's support_token (POST /reports/nearby/support).
// Near a border the neighbour's API is asked too (config.neighbours, from web/build.py): a report a few
// metres over it is handled there, so its row says so, links to that site and is supported at that API.
// A report lives where it was filed (its id's province): a copy another province handed here is
// supported, and tracked, at its origin's API and site.
import config from "../config.js";
import { api, errorText, newKey, offline, read, withDevice } from "./api.js";
import { $, el, fill, say } from "./dom.js";
import { t } from "./i18n.js";
import { announce } from "./layout.js";
import { categoryName, dateTime, statusBadge, statusText } from "./format.js";
import { NEIGHBOUR_WAIT_MS, OWN, homeOf, listedHereToo, trackUrl } from "./sources.js";

const RADIUS_M = 50;
const OWN_WAIT_MS = 20_000;  // this site's own API unanswered after this: said, with a button to ask again
const METRES_PER_DEGREE = 111320;
const SUPPORTER_STORE = "aduan.supporter";

/** This browser's supporter id at an API: one support per report from it, however often it presses. */
function supporterId(source) {
  const storeKey = source.own ? SUPPORTER_STORE : `${SUPPORTER_STORE}:${source.apiBase}`;
  try {
    let id = window.localStorage.getItem(storeKey);
    if (!id) {
      id = `web-${newKey()}`;
      window.localStorage.setItem(storeKey, id);
    }
    return id;
  } catch {
    return null;  // no storage: the request's Idempotency-Key stands for this page's supporter
  }
}

/** Whether a neighbour's bounding box [south, west, north, east], grown by the radius, holds the point. */
function reaches(bbox, point) {
  const [south, west, north, east] = bbox;
  const lat = RADIUS_M / METRES_PER_DEGREE;
  const lon = RADIUS_M / (METRES_PER_DEGREE * Math.max(Math.cos((point.lat * Math.PI) / 180), 0.01));
  return point.lat >= south - lat && point.lat <= north + lat && point.lon >= west - lon && point.lon <= east + lon;
}

function sourcesFor(point) {
  return [OWN, ...(config.neighbours || []).filter((n) => reaches(n.bbox, point))];
}

function supportLine(count) {
  return t("nearby.supporters", { count });
}

/** ``node`` saying ``words()``: worded again on a language switch (say() of dom.js). */
function said(node, words) {
  say(node, words);
  return node;
}

/**
 * Support ``item`` at ``source``: a public report by its id (its count, thanks and tracking link then
 * shown), a private one by its row's ``support_token`` (POST /reports/nearby/support, which answers only
 * whether it was counted: the report has no page a citizen other than its reporter may open). A token
 * the API no longer takes (``support_token_gone``: it lasts an hour, and the form was left open) calls
 * ``relist()``, which lists the reports nearby again, with fresh tokens, and says why.
 */
async function support(item, row, pageKey, source, relist) {
  const button = row.querySelector("button");
  const result = row.querySelector(".support-result");
  button.disabled = true;
  try {
    const device = supporterId(source);
    const headers = await withDevice(device ? {} : { "Idempotency-Key": pageKey }, source.apiBase);
    const who = device ? { device } : {};
    const view = await api(item.id ? `/reports/${encodeURIComponent(item.id)}/support` : "/reports/nearby/support", {
      method: "POST", body: item.id ? who : { token: item.support_token, ...who }, headers, base: source.apiBase,
    });
    let message;
    say(result, "");
    if (item.id) {
      say(row.querySelector(".support-count"), () => supportLine(view.support_count));
      message = () => t(view.support_added ? "nearby.supported" : "nearby.alreadySupported",
        { id: item.id, count: view.support_count });
      fill(result, said(el("span"), message), " ",
        said(el("a", { href: `${trackUrl(source, item.id)}#follow-section` }), () => t("nearby.follow")));
    } else {
      message = () => t(view.support_added ? "nearby.supportedPrivate" : "nearby.alreadySupportedPrivate");
      say(result, message);
    }
    result.hidden = false;
    say(button, () => t("nearby.supportedButton"));
    // the button pressed stays disabled (supported): focus goes to what it did, its thanks and link
    // (it fell to the page's start, and the keyboard's next Tab with it)
    result.tabIndex = -1;
    result.focus();
    announce(message());
  } catch (error) {
    if (error.code === "support_token_gone") {
      relist();
      return;
    }
    say(result, () => errorText(error));
    result.hidden = false;
    button.disabled = false;
    button.focus();  // disabled while it waited, it had lost the focus
  }
}

/**
 * A row of ``item``, as ``source`` listed it; ``home``: where it was filed (its page and its support),
 * null for a public copy whose origin this site does not know (shown with its id, neither linked nor
 * supported: this province's API would answer 404 for another province's id).
 */
function row(item, categories, pageKey, source, home, relist) {
  const category = categories.find((c) => c.code === item.category);
  // every word through say(): a language switch words the list again, what was supported included
  const summary = (strong) => el("p", {}, said(statusBadge(item.status), () => statusText(item.status)), " ",
    said(el(strong ? "strong" : "span"), () => categoryName(category)), " · ",
    said(el("span"), () => t("nearby.distance", { metres: item.distance_m })));
  const handledHere = source.own || item.also_in === config.province;
  const handled = handledHere ? null
    : said(el("p", { class: "nearby-province" }), () => t("nearby.handledBy", { province: source.name }));
  if (!item.id) {
    // no id, no page: supported (where it was listed) by its row's token, if the API gave one
    const node = el("li", { class: "nearby-item private", "data-province": source.province },
      summary(false),
      handled,
      said(el("p", { class: "hint" }), () => t("nearby.private")),
      item.support_token ? said(el("button", { type: "button", class: "secondary small", "aria-describedby": "nearby-lead" }),
        () => t("nearby.support")) : null,
      item.support_token ? el("p", { class: "support-result", role: "status", hidden: true }) : null);
    node.querySelector("button")?.addEventListener("click", () => support(item, node, pageKey, source, relist));
    return node;
  }
  // filed in a province this site does not know: listed with its id, neither linked nor supported here
  const node = el("li", { class: "nearby-item", "data-id": item.id, "data-province": (home || source).province },
    item.thumbnail ? el("img", { src: item.thumbnail, alt: t("nearby.photoAlt", { id: item.id }),
      class: "nearby-thumb", loading: "lazy" }) : null,
    el("div", { class: "nearby-body" },
      summary(true),
      handled,
      el("p", { class: "hint" }, home ? el("a", { href: trackUrl(home, item.id), text: item.id }) : item.id,
        " · ", said(el("span"), () => dateTime(item.created_at))),
      said(el("p", { class: "support-count" }), () => supportLine(item.support_count || 0)),
      home ? said(el("button", { type: "button", class: "secondary small", "aria-describedby": `nearby-lead` }),
        () => t("nearby.support")) : null,
      el("p", { class: "support-result", role: "status", hidden: true })));
  node.querySelector("button")?.addEventListener("click", () => support(item, node, pageKey, home, relist));
  return node;
}

/**
 * Put a row into the list, nearest first, leaving the rows already shown (and their buttons) in place.
 * A report both APIs know (one escalated across the border: the copy keeps its id) is listed once, as
 * the province's where it was filed (``filed``: its own answer, with its support count); a neighbour's
 * row of a report the own province lists too (``also_in``) is left out unless the neighbour is where
 * it was filed, so a private one, which has no id to match, is not listed twice either.
 */
function place(list, rows, entry) {
  const same = entry.id ? rows.findIndex((r) => r.id === entry.id) : -1;
  if (same >= 0) {
    if (!entry.filed || rows[same].filed) return;
    rows[same].node.remove();
    rows.splice(same, 1);
  }
  let at = rows.findIndex((r) => r.distance > entry.distance);
  if (at < 0) at = rows.length;
  list.insertBefore(entry.node, rows[at] ? rows[at].node : null);
  rows.splice(at, 0, entry);
}

/**
 * The check, redone for each new point or category; ``categories()`` gives the loaded categories.
 * ``relisted``: the list is asked again because a support token had expired; the section then says so
 * (and stays open to say it, even if the report is no longer listed).
 */
export function nearbyCheck(categories) {
  const section = $("#nearby");
  const list = $("#nearby-list");
  const notice = $("#nearby-notice");
  const retry = $("#nearby-retry");
  const truncated = $("#nearby-truncated");
  const pageKey = newKey();
  let asked = 0;
  let last = null;
  const relist = () => check(last.point, last.category, { relisted: true });
  async function check(point, category, { relisted = false, retried = false } = {}) {
    const ask = ++asked;
    last = { point, category };
    notice.hidden = true;
    retry.hidden = true;
    truncated.hidden = true;
    if (!point || !category) {
      section.hidden = true;
      return;
    }
    const query = new URLSearchParams({
      lat: point.lat.toFixed(6), lon: point.lon.toFixed(6), radius: String(RADIUS_M), category,
    });
    const rows = [];
    let stale = true;  // the previous point's rows stay until the first answer for this one
    let unanswered = false;  // this site's own API did not list
    let cut = false;  // an API listed fewer than it has here (its cap): said under the list
    const show = (items, source, more = false) => {
      if (ask !== asked) return;
      if (stale) fill(list);
      stale = false;
      cut ||= more;
      truncated.hidden = !cut;
      for (const item of items) {
        const home = homeOf(item);
        if (listedHereToo(item, source)) continue;
        const node = row(item, categories(), pageKey, source, home, relist);
        place(list, rows, { id: item.id, filed: home === source, distance: item.distance_m, node });
      }
      section.hidden = rows.length === 0 && !relisted;
    };
    // Every source at once; a failure (or a neighbour's silence) only leaves its rows out
    await Promise.all(sourcesFor(point).map((source) => read(`/reports/nearby?${query}`, {
      base: source.apiBase, wait: source.own ? OWN_WAIT_MS : NEIGHBOUR_WAIT_MS,
    }).then((found) => show(found.items, source, Boolean(found.truncated)), () => {
      if (source.own) unanswered = true;
      show([], source);
    })));
    if (ask !== asked) return;
    if (relisted) {
      let key = "nearby.tokenGone";
      if (!rows.length) key = unanswered ? "nearby.tokenGoneUnlisted" : "nearby.tokenGoneNone";
      say(notice, () => t(key));
      notice.hidden = false;
      announce(t(key));
    } else if (unanswered) {
      // this site's own list did not come (a flaky line): said, not taken for "nothing reported here",
      // which sent the citizen on to file a copy
      const words = offline() ? "nearby.offline" : "nearby.unanswered";  // the phone itself offline: said so
      section.hidden = false;
      say(notice, () => t(words));
      notice.hidden = false;
      retry.hidden = false;
      announce(t(words));
    } else if (retried && !rows.length) {
      // asked again and answered: nothing there (the section stays to say so, where the button was)
      say(notice, () => t("nearby.none"));
      notice.hidden = false;
      section.hidden = false;
      announce(t("nearby.none"));
    } else if (rows.length) {
      announce(t("nearby.found", { count: rows.length }));
    }
  }
  retry.addEventListener("click", async () => {
    retry.disabled = true;
    await check(last.point, last.category, { retried: true });
    retry.disabled = false;
    (retry.hidden ? $("#nearby-heading") : retry).focus();  // the button gone: focus to what it found
  });
  return check;
}
