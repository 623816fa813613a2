// The console's map of its inbox: the reports of the list shown, clustered, each opening its detail.
import { $ } from "./dom.js";
import { statusText } from "./format.js";
import { clusterLayer, createMap, loadLeaflet, statusMarker } from "./map.js";

let setup = null;

function start() {
  const node = $("#inbox-map");
  node.hidden = false;
  return loadLeaflet().then((L) => {
    const map = createMap(L, node);
    return { L, map, layer: clusterLayer(L).addTo(map) };
  }).catch(() => {
    node.hidden = true;  // the list works without the map
    return null;
  });
}

/** Show ``items`` (inbox rows with their location) on the map, fitted to them. */
export async function drawInboxMap(items) {
  if (!setup) setup = start();
  const ready = await setup;
  if (!ready) return;
  const { L, map, layer } = ready;
  map.invalidateSize();
  layer.clearLayers();
  const placed = items.filter((item) => item.location);
  layer.addLayers(placed.map((item) => {
    const marker = statusMarker(L, item.location, item.status.code, `${item.id} · ${statusText(item.status)}`);
    marker.on("click", () => { window.location.hash = `#report=${encodeURIComponent(item.key)}`; });
    return marker;
  }));
  if (placed.length) map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [24, 24] });
  $("#inbox-map").dataset.markers = String(placed.length);
}
