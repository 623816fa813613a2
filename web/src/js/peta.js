// Peta: the province's open reports on a map (GET /reports/map for the viewport), filtered by category and
// status, clustered when dense; a public report's marker and list row link to its tracking page, a private
// one shows only its category, status and rounded place. Where the view reaches a bordering province
// (config.neighbours), that province's API is asked too, as "Sudah dilaporkan?" asks it (nearby.js), for the
// widest box its API answers whole around the view; that answer serves, for a minute, every view inside it
// (a box around Jakarta's neighbours covers Jakarta: asked on every pan, each would read up to 16 cells).
import config from "../config.js";
import { api, errorText, read } from "./api.js";
import { $, el, fill } from "./dom.js";
import { t } from "./i18n.js";
import { initPage, showError } from "./layout.js";
import { categoryName, statusBadge, statusText } from "./format.js";
import { clusterLayer, createMap, loadLeaflet, statusMarker, unavailableText } from "./map.js";
import { NEIGHBOUR_WAIT_MS, OWN, homeOf, listedHereToo, trackUrl } from "./sources.js";

// Closed reports (Selesai, Ditolak) leave the geographic index, so the map shows open ones only.
const OPEN_STATUSES = ["MENUNGGU", "DISPOSISI", "KOORDINASI", "PROSES"];
const NEIGHBOUR_KEEP_MS = 60_000;
const state = {
  categories: [], rows: null, missing: [], clipped: false, truncated: false, map: null, layer: null, asked: 0,
  timer: null, answer: "", kept: [], popup: null, redrawing: false,
};

function categoryOf(item) {
  return state.categories.find((c) => c.code === item.category);
}

/** "Ditangani Banten" for a report a neighbour handles (listed by it, not by this province too). */
function handledBy(row) {
  if (row.source.own || row.item.also_in === config.province) return null;
  return el("p", { class: "nearby-province", text: t("nearby.handledBy", { province: row.source.name }) });
}

/** The report's number, linked to its tracking page where it was filed (a site this one knows). */
function number(row, text = row.item.id) {
  return row.home ? el("a", { href: trackUrl(row.home, row.item.id), text }) : text;
}

function label(row) {
  const { item } = row;
  const category = categoryOf(item);
  return `${item.id || t("map.privateLabel")} · ${category ? categoryName(category) : item.category} · ${statusText(item.status)}`;
}

/** What a private report's row says: nothing of it but that it is there, and how to support it. */
function privateWords() {
  return [el("p", { class: "hint", text: t("map.private") }),
    el("p", { class: "hint" }, t("map.privateSupport"), " ", el("a", { href: "index.html", text: t("map.toForm") }))];
}

function popup(row) {
  const { item } = row;
  return el("div", { class: "map-popup" },
    el("p", {}, el("strong", { text: categoryName(categoryOf(item)) })),
    el("p", {}, statusBadge(item.status)),
    handledBy(row),
    item.id ? [el("p", { text: t("nearby.supporters", { count: item.support_count || 0 }) }),
      el("p", {}, number(row, t("map.track", { id: item.id })))] : privateWords());
}

function shown() {
  const status = $("#map-status").value;
  return (state.rows || []).filter((row) => !status || row.item.status.code === status);
}

function listRow(row) {
  const { item } = row;
  const attributes = item.id ? { class: "inbox-item", "data-id": item.id }
    : { class: "inbox-item private", "data-province": row.source.province };
  return el("li", attributes,
    el("p", {}, item.id ? number(row) : el("strong", { text: t("map.privateLabel") }), " ", statusBadge(item.status)),
    handledBy(row),
    el("p", { class: "hint", text: item.id
      ? `${categoryName(categoryOf(item))} · ${t("nearby.supporters", { count: item.support_count || 0 })}`
      : categoryName(categoryOf(item)) }),
    item.id ? null : privateWords());
}

/** A paragraph per neighbour whose reports did not come: said, with its own map to look at. */
function missingWords() {
  return state.missing.map((source) => el("p", { class: "warning" },
    t("map.neighbourMissing", { province: source.name }), " ",
    el("a", { href: `${source.site}peta.html`, text: t("map.neighbourMap", { province: source.name }) })));
}

function draw() {
  const rows = shown();
  fill($("#map-list"), rows.map(listRow));
  $("#map-count").textContent = t("map.count", { count: rows.length });
  // nothing in view (an answer came): say what to do, by what narrowed it
  const filtered = Boolean($("#map-category").value || $("#map-status").value);
  $("#map-empty").textContent = t(filtered ? "map.emptyFiltered" : "map.empty");
  $("#map-empty").hidden = rows.length > 0 || state.rows === null;
  $("#map-clipped").hidden = !state.clipped;
  $("#map-truncated").hidden = !state.truncated;  // the count is then of those shown, not of all in view
  fill($("#map-neighbours"), missingWords());
  if (!state.layer) return;
  // A new answer (a slow line's, after the tap) or a language redraws every marker: the popup a citizen
  // opened stays open if its report is still shown, as a marker of its own.
  const reopen = state.popup;
  let again = null;
  state.redrawing = true;
  state.layer.clearLayers();
  state.redrawing = false;
  state.layer.addLayers(rows.map((row) => {
    const marker = statusMarker(window.L, row.item.location, row.item.status.code, label(row));
    const key = rowKey(row);
    marker.bindPopup(() => popup(row));
    marker.on("popupopen", () => { state.popup = key; });
    marker.on("popupclose", () => { if (!state.redrawing && state.popup === key) state.popup = null; });
    if (key === reopen) again = marker;
    return marker;
  }));
  state.popup = null;
  if (again && state.layer.getVisibleParent(again) === again) again.openPopup();
  $("#public-map").dataset.markers = String(rows.length);
}

/** A marker's report among the others: a public one by its number, a private one by all it shows. */
function rowKey(row) {
  const { item } = row;
  return item.id || [row.source.province, item.location.lat, item.location.lon, item.category, item.status.code].join("|");
}

/**
 * The widest box GET /reports/map answers whole (config.mapMaxSpanDeg each way) around the first view's
 * centre; ``share`` of it, for a view that must stay inside whatever Leaflet's rounding.
 */
function widestBox(share = 1, [lat, lon] = config.map.centre) {
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

/** The neighbours whose box [south, west, north, east] meets the viewport asked (strings of degrees). */
function reaching(view) {
  const [south, west, north, east] = [view.south, view.west, view.north, view.east].map(Number);
  return (config.neighbours || []).filter(({ bbox }) =>
    south <= bbox[2] && north >= bbox[0] && west <= bbox[3] && east >= bbox[1]);
}

/** Numbers of a box of strings of degrees. */
function numbers(view) {
  return { south: Number(view.south), west: Number(view.west), north: Number(view.north), east: Number(view.east) };
}

function covers(box, view) {
  return box.south <= view.south && box.north >= view.north && box.west <= view.west && box.east >= view.east;
}

/** ``found`` with only its items inside ``view`` (as the API would have answered for the view). */
function within(found, view) {
  return { ...found, items: found.items.filter(({ location: { lat, lon } }) =>
    lat >= view.south && lat <= view.north && lon >= view.west && lon <= view.east) };
}

/**
 * A neighbour's answer for ``view``: from one it gave in the last minute for a box holding the view, else
 * asked for the widest box its API answers whole around the view (``widestBox``), kept when whole. A box
 * whose answer was cut at a cap (``truncated``) is kept without it: for that minute, a view inside it is
 * asked for alone, at once (read by finer cells), never after another wide read cut again.
 */
async function neighbourAnswer(source, view, category) {
  const ask = (box) => {
    const query = new URLSearchParams(box);
    if (category) query.set("category", category);
    return read(`/reports/map?${query}`, { base: source.apiBase, wait: NEIGHBOUR_WAIT_MS });
  };
  const now = Date.now();
  const wanted = numbers(view);
  state.kept = state.kept.filter((k) => now - k.at < NEIGHBOUR_KEEP_MS);
  const holding = state.kept.filter((k) => k.source === source && k.category === category && covers(k.box, wanted));
  const kept = holding.find((k) => k.found) || holding[0];
  if (kept) return kept.found ? within(kept.found, wanted) : ask(view);
  const fits = wanted.north - wanted.south < config.mapMaxSpanDeg && wanted.east - wanted.west < config.mapMaxSpanDeg;
  if (!fits) return ask(view);  // the API cuts it: the answer says so (clipped)
  const wide = widestBox(0.99, [(wanted.south + wanted.north) / 2, (wanted.west + wanted.east) / 2]);
  const box = { south: Math.min(wide.south, wanted.south), west: Math.min(wide.west, wanted.west),
    north: Math.max(wide.north, wanted.north), east: Math.max(wide.east, wanted.east) };  // the view in it, whole
  const found = await ask(Object.fromEntries(Object.entries(box).map(([k, v]) => [k, v.toFixed(6)])));
  const whole = !found.truncated && !found.clipped;
  state.kept.push({ source, category, box: found.viewport, found: whole ? found : null, at: now });
  return whole ? within(found, wanted) : ask(view);
}

/**
 * The rows of every answer, each report once: a neighbour's row of a report this province lists too is
 * left out, and a public report both list is the row of the province where it was filed (``homeOf``).
 */
function merge(answers) {
  const rows = [];
  const byId = new Map();
  for (const { source, found } of answers) {
    for (const item of found.items) {
      if (listedHereToo(item, source)) continue;
      const row = { item, source, home: homeOf(item) };
      const same = item.id ? byId.get(item.id) : undefined;
      if (same) {
        if (row.home === source && same.home !== same.source) {
          rows[rows.indexOf(same)] = row;
          byId.set(item.id, row);
        }
        continue;
      }
      if (item.id) byId.set(item.id, row);
      rows.push(row);
    }
  }
  return rows;
}

async function load() {
  const ask = ++state.asked;
  const view = viewport();
  const query = new URLSearchParams(view);
  const category = $("#map-category").value;
  if (category) query.set("category", category);
  const neighbours = reaching(view);
  // a neighbour's answer only adds to the map: one that fails, or is silent for 4 s, is said and left out
  const asked = neighbours.map((source) => neighbourAnswer(source, view, category)
    .then((found) => ({ source, found }), () => ({ source, found: null })));
  try {
    const own = await read(`/reports/map?${query}`);
    const answers = [{ source: OWN, found: own }, ...await Promise.all(asked)];
    if (ask !== state.asked) return;
    const found = answers.filter((a) => a.found);
    const rows = merge(found);
    const missing = answers.filter((a) => !a.found).map((a) => a.source);
    const answer = JSON.stringify([rows.map((r) => [r.item, r.source.province]), missing.map((m) => m.province),
      found.map((a) => [a.found.clipped, Boolean(a.found.truncated)])]);
    state.rows = rows;
    state.missing = missing;
    state.clipped = found.some((a) => a.found.clipped);
    state.truncated = found.some((a) => a.found.truncated);
    showError($("#map-error"), "");
    if (answer !== state.answer) draw();  // an unchanged answer keeps the markers (and an opened cluster) as they are
    state.answer = answer;
  } catch (error) {
    if (ask === state.asked) showError($("#map-error"), () => errorText(error));
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
