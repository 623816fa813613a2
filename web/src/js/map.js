// The web maps: Leaflet and Leaflet.markercluster from the site's own vendor/ folder (copied from npm
// at build time, never a CDN), the province's tiles from config.js, status-coloured report markers.
import config from "../config.js";
import { t } from "./i18n.js";

const SCRIPTS = ["vendor/leaflet/leaflet.js", "vendor/leaflet.markercluster/leaflet.markercluster.js"];
const STYLES = ["css/map.css", "vendor/leaflet/leaflet.css", "vendor/leaflet.markercluster/MarkerCluster.css",
  "vendor/leaflet.markercluster/MarkerCluster.Default.css"];
let loading = null;

function addTag(tag, props) {
  return new Promise((resolve, reject) => {
    const node = Object.assign(document.createElement(tag), props);
    node.addEventListener("load", resolve, { once: true });
    node.addEventListener("error", () => reject(new Error(`${props.src || props.href} did not load`)), { once: true });
    document.head.append(node);
  });
}

/** Leaflet (window.L with MarkerClusterGroup), loaded once; rejects when the files are missing. */
export function loadLeaflet() {
  if (!loading) {
    loading = (async () => {
      await Promise.all(STYLES.map((href) => addTag("link", { rel: "stylesheet", href })));
      for (const src of SCRIPTS) await addTag("script", { src });
      if (!window.L || !window.L.markerClusterGroup) throw new Error("Leaflet is not usable");
      return window.L;
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

function escapeText(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The tiles' attribution as Leaflet wants it (its markup), from plain text and an optional https link. */
function attribution(settings) {
  const text = escapeText(settings.attribution);
  if (!settings.attributionUrl) return text;
  return `<a href="${escapeText(settings.attributionUrl)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
}

/**
 * A map in ``node`` on the province's first view (or ``view``: {centre, zoom}), with its tiles.
 * Tiles load only for what is on screen (Leaflet's default): no prefetching, at most ``maxZoom``.
 * ``zoomSnap``: the zoom levels a view may take (Leaflet's 1: whole levels only).
 */
export function createMap(L, node, view = {}, { zoomSnap = 1 } = {}) {
  const settings = config.map;
  const map = L.map(node, { keyboard: true, zoomControl: true, maxZoom: settings.maxZoom, zoomSnap });
  map.setView(view.centre || settings.centre, view.zoom || settings.zoom);
  L.tileLayer(settings.tileUrl, { maxZoom: settings.maxZoom, attribution: attribution(settings) }).addTo(map);
  return map;
}

/** A report's marker, coloured by status; ``title`` is what a screen reader and a hover show. */
export function statusMarker(L, point, statusCode, title) {
  const icon = L.divIcon({
    className: `map-pin status-pin-${String(statusCode || "").toLowerCase()}`,
    iconSize: [18, 18],
    iconAnchor: [9, 9],
  });
  return L.marker([point.lat, point.lon], { icon, title, alt: title, keyboard: true });
}

/** A clustering layer: close markers merge into a numbered circle until zoomed in. */
export function clusterLayer(L) {
  return L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50, chunkedLoading: true });
}

/** The sentence shown where a map would be when Leaflet cannot load (the rest of the page still works). */
export function unavailableText() {
  return t("map.unavailable");
}
