// Peta: the province's open public reports on a map (GET /reports/map for the viewport), filtered by
// category and status, clustered when dense; each marker and list row links to its tracking page.
import config from "../config.js";
import { api, errorText } from "./api.js";
import { $, el, fill } from "./dom.js";
import { t } from "./i18n.js";
import { initPage, showError } from "./layout.js";
import { categoryName, statusBadge, statusText } from "./format.js";
import { clusterLayer, createMap, loadLeaflet, statusMarker, unavailableText } from "./map.js";

// Closed reports (Selesai, Ditolak) leave the geographic index, so the map shows open ones only.
const OPEN_STATUSES = ["MENUNGGU", "DISPOSISI", "KOORDINASI", "PROSES"];
const state = {
  categories: [], items: null, clipped: false, truncated: false, map: null, layer: null, asked: 0, timer: null,
};

function trackLink(item, text) {
  return el("a", { href: `track.html?id=${encodeURIComponent(item.id)}`, text });
}

function categoryOf(item) {
  return state.categories.find((c) => c.code === item.category);
}

function label(item) {
  const category = categoryOf(item);
  return `${item.id} · ${category ? categoryName(category) : item.category} · ${statusText(item.status)}`;
}

function popup(item) {
  return el("div", { class: "map-popup" },
    el("p", {}, el("strong", { text: categoryName(categoryOf(item)) })),
    el("p", {}, statusBadge(item.status)),
    el("p", { text: t("nearby.supporters", { count: item.support_count || 0 }) }),
    el("p", {}, trackLink(item, t("map.track", { id: item.id }))));
}

function shown() {
  const status = $("#map-status").value;
  return (state.items || []).filter((item) => item.id && (!status || item.status.code === status));
}

function draw() {
  const items = shown();
  fill($("#map-list"), items.map((item) => el("li", { class: "inbox-item", "data-id": item.id },
    el("p", {}, trackLink(item, item.id), " ", statusBadge(item.status)),
    el("p", { class: "hint", text: `${categoryName(categoryOf(item))} · ${t("nearby.supporters", { count: item.support_count || 0 })}` }))));
  $("#map-count").textContent = t("map.count", { count: items.length });
  // nothing in view (an answer came): say what to do, by what narrowed it
  const filtered = Boolean($("#map-category").value || $("#map-status").value);
  $("#map-empty").textContent = t(filtered ? "map.emptyFiltered" : "map.empty");
  $("#map-empty").hidden = items.length > 0 || state.items === null;
  $("#map-clipped").hidden = !state.clipped;
  $("#map-truncated").hidden = !state.truncated;  // the count is then of those shown, not of all in view
  if (!state.layer) return;
  state.layer.clearLayers();
  state.layer.addLayers(items.map((item) => {
    const marker = statusMarker(window.L, item.location, item.status.code, label(item));
    marker.bindPopup(() => popup(item));
    return marker;
  }));
  $("#public-map").dataset.markers = String(items.length);
}

/**
 * The widest box GET /reports/map answers whole (config.mapMaxSpanDeg each way) around the first view's
 * centre; ``share`` of it, for a view that must stay inside whatever Leaflet's rounding.
 */
function widestBox(share = 1) {
  const [lat, lon] = config.map.centre;
  const half = (config.mapMaxSpanDeg * share) / 2;
  return { south: lat - half, west: lon - half, north: lat + half, east: lon + half };
}

/**
 * The first view's centre at the widest zoom whose view fits in ``widestBox`` (at least the first view's
 * zoom): every report in view is shown, not only the middle of a province-wide view that the API cuts.
 */
function openView(L, map) {
  const box = widestBox(0.99);
  const fits = map.getBoundsZoom(L.latLngBounds([box.south, box.west], [box.north, box.east]), true);
  map.setView(config.map.centre, Math.max(config.map.zoom, fits), { animate: false });  // at once: asked next
}

function viewport() {
  const clamp = (value, limit) => Math.max(-limit, Math.min(limit, value)).toFixed(6);
  if (!state.map) {
    const box = widestBox();
    return { south: clamp(box.south, 90), west: clamp(box.west, 180), north: clamp(box.north, 90), east: clamp(box.east, 180) };
  }
  const box = state.map.getBounds();
  return { south: clamp(box.getSouth(), 90), west: clamp(box.getWest(), 180),
    north: clamp(box.getNorth(), 90), east: clamp(box.getEast(), 180) };
}

async function load() {
  const ask = ++state.asked;
  const query = new URLSearchParams(viewport());
  const category = $("#map-category").value;
  if (category) query.set("category", category);
  try {
    const found = await api(`/reports/map?${query}`);
    if (ask !== state.asked) return;
    const same = JSON.stringify(found.items) === JSON.stringify(state.items) && found.clipped === state.clipped
      && Boolean(found.truncated) === state.truncated;
    state.items = found.items;
    state.clipped = found.clipped;
    state.truncated = Boolean(found.truncated);
    showError($("#map-error"), "");
    if (!same) draw();  // an unchanged answer keeps the markers (and an opened cluster) as they are
  } catch (error) {
    showError($("#map-error"), () => errorText(error));
  }
  document.body.dataset.loaded = String(ask);
}

function later() {
  window.clearTimeout(state.timer);
  state.timer = window.setTimeout(load, 250);
}

function renderFilters() {
  const category = $("#map-category").value;
  fill($("#map-category"), el("option", { value: "", text: t("map.allCategories") }),
    state.categories.map((c) => el("option", { value: c.code, text: categoryName(c), selected: c.code === category })));
  const status = $("#map-status").value;
  fill($("#map-status"), el("option", { value: "", text: t("map.allStatuses") }),
    OPEN_STATUSES.map((code) => el("option", { value: code, text: t(`status.${code}`), selected: code === status })));
}

await initPage("map", () => { renderFilters(); draw(); });
renderFilters();
try {
  state.categories = (await api("/categories")).categories;
  renderFilters();
} catch (error) {
  showError($("#map-error"), () => errorText(error));
}
$("#map-category").addEventListener("change", load);
$("#map-status").addEventListener("change", draw);
try {
  const L = await loadLeaflet();
  // tenths of a level: the view opened nearly fills the API's limit in its longer direction (whole levels
  // left a wide, short desktop map up to half as wide and tall as the limit allows)
  state.map = createMap(L, $("#public-map"), {}, { zoomSnap: 0.1 });
  openView(L, state.map);
  state.layer = clusterLayer(L).addTo(state.map);
  state.map.on("moveend", later);
} catch {
  fill($("#public-map"), el("p", { class: "hint", text: unavailableText() }));
}
await load();
document.body.dataset.ready = "true";
