// "Sudah dilaporkan?": open reports of the same category within 50 m of the point (GET /reports/nearby),
// each with its status and photo, and "Dukung laporan ini" (POST /reports/{id}/support) instead of a copy.
import { api, errorText, newKey, withDevice } from "./api.js";
import { $, el, fill } from "./dom.js";
import { t } from "./i18n.js";
import { announce } from "./layout.js";
import { categoryName, dateTime, statusBadge } from "./format.js";

const RADIUS_M = 50;
const SUPPORTER_STORE = "aduan.supporter";

/** This browser's supporter id: one support per report from it, however often the button is pressed. */
function supporterId() {
  try {
    let id = window.localStorage.getItem(SUPPORTER_STORE);
    if (!id) {
      id = `web-${newKey()}`;
      window.localStorage.setItem(SUPPORTER_STORE, id);
    }
    return id;
  } catch {
    return null;  // no storage: the request's Idempotency-Key stands for this page's supporter
  }
}

function supportLine(count) {
  return t("nearby.supporters", { count });
}

async function support(item, row, pageKey) {
  const button = row.querySelector("button");
  const result = row.querySelector(".support-result");
  button.disabled = true;
  try {
    const device = supporterId();
    const headers = await withDevice(device ? {} : { "Idempotency-Key": pageKey });
    const view = await api(`/reports/${encodeURIComponent(item.id)}/support`, {
      method: "POST", body: device ? { device } : {}, headers,
    });
    row.querySelector(".support-count").textContent = supportLine(view.support_count);
    const message = view.support_added
      ? t("nearby.supported", { id: item.id, count: view.support_count })
      : t("nearby.alreadySupported", { id: item.id, count: view.support_count });
    fill(result, message, " ",
      el("a", { href: `track.html?id=${encodeURIComponent(item.id)}#follow-section`, text: t("nearby.follow") }));
    result.hidden = false;
    button.textContent = t("nearby.supportedButton");
    announce(message);
  } catch (error) {
    fill(result, errorText(error));
    result.hidden = false;
    button.disabled = false;
  }
}

function row(item, categories, pageKey) {
  const category = categories.find((c) => c.code === item.category);
  const distance = t("nearby.distance", { metres: item.distance_m });
  if (!item.id) {
    return el("li", { class: "nearby-item private" },
      el("p", {}, statusBadge(item.status), " ", categoryName(category), " · ", distance),
      el("p", { class: "hint", text: t("nearby.private") }));
  }
  const node = el("li", { class: "nearby-item", "data-id": item.id },
    item.thumbnail ? el("img", { src: item.thumbnail, alt: t("nearby.photoAlt", { id: item.id }),
      class: "nearby-thumb", loading: "lazy" }) : null,
    el("div", { class: "nearby-body" },
      el("p", {}, statusBadge(item.status), " ", el("strong", { text: categoryName(category) }), " · ", distance),
      el("p", { class: "hint" }, el("a", { href: `track.html?id=${encodeURIComponent(item.id)}`, text: item.id }),
        ` · ${dateTime(item.created_at)}`),
      el("p", { class: "support-count", text: supportLine(item.support_count || 0) }),
      el("button", { type: "button", class: "secondary small", text: t("nearby.support"),
        "aria-describedby": `nearby-lead` }),
      el("p", { class: "support-result", role: "status", hidden: true })));
  node.querySelector("button").addEventListener("click", () => support(item, node, pageKey));
  return node;
}

/** The check, redone for each new point or category; ``categories()`` gives the loaded categories. */
export function nearbyCheck(categories) {
  const section = $("#nearby");
  const pageKey = newKey();
  let asked = 0;
  return async function check(point, category) {
    const ask = ++asked;
    if (!point || !category) {
      section.hidden = true;
      return;
    }
    const query = new URLSearchParams({
      lat: point.lat.toFixed(6), lon: point.lon.toFixed(6), radius: String(RADIUS_M), category,
    });
    try {
      const found = await api(`/reports/nearby?${query}`);
      if (ask !== asked) return;
      fill($("#nearby-list"), found.items.map((item) => row(item, categories(), pageKey)));
      section.hidden = found.items.length === 0;
      if (found.items.length) announce(t("nearby.found", { count: found.items.length }));
    } catch {
      section.hidden = true;  // the check only helps: a failure never blocks the report
    }
  };
}
