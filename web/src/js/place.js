// The report form's map: click, drag or type the point; the area fields follow it (GET /areas/at).
// Without the map (no script, no vendor files) the latitude/longitude fields and the selects still work.
import { api } from "./api.js";
import { $, say } from "./dom.js";
import { t } from "./i18n.js";
import { createMap, loadLeaflet, unavailableText } from "./map.js";

const PICK_ZOOM = 17;

/**
 * A coordinate as typed: a decimal point or an Indonesian decimal comma ("-6,226": what a phone's decimal
 * keypad gives in Indonesian), nothing else; NaN otherwise (parseFloat read "-6,226" as -6, far away).
 */
export function coordinate(text) {
  const typed = text.trim();
  return /^[-+]?\d+([.,]\d+)?$/.test(typed) ? Number(typed.replace(",", ".")) : Number.NaN;
}

function readPoint(lat, lon) {
  const point = { lat: coordinate(lat.value), lon: coordinate(lon.value) };
  const valid = Number.isFinite(point.lat) && Number.isFinite(point.lon)
    && Math.abs(point.lat) <= 90 && Math.abs(point.lon) <= 180;
  return valid ? point : null;
}

/**
 * Wire the map in ``#place-map`` to the ``lat``/``lon`` inputs and the area ``picker``.
 * ``onPoint(point)`` hears every new point (for the "Sudah dilaporkan?" check).
 */
export async function setUpPlace({ lat, lon, picker, onPoint }) {
  const status = $("#place-status");
  let marker = null;
  let map = null;
  let asked = 0;

  async function followAreas(point) {
    const ask = ++asked;
    try {
      const found = await api(`/areas/at?lat=${point.lat.toFixed(6)}&lon=${point.lon.toFixed(6)}`);
      if (ask !== asked) return;  // a newer point was chosen meanwhile
      const codes = found.items.map((item) => item.code);
      if (!codes.length) {
        say(status, () => t("place.outside"));
        return;
      }
      const followed = await picker.follow(codes);
      const names = found.items.slice(1).map((item) => item.name).join(", ");
      const areas = names || found.items[0].name;
      say(status, () => (followed ? t("place.followed", { areas }) : t("place.kept", { areas })));
    } catch {
      say(status, () => t("place.areasFailed"));
    }
  }

  function placeMarker(point) {
    if (!map) return;
    if (marker) {
      marker.setLatLng([point.lat, point.lon]);
    } else {
      marker = window.L.marker([point.lat, point.lon], {
        draggable: true, keyboard: true, title: t("place.marker"), alt: t("place.marker"),
      }).addTo(map);
      marker.on("dragend", () => {
        const moved = marker.getLatLng();
        setPoint({ lat: moved.lat, lon: moved.lng }, { fromMap: true });
      });
    }
  }

  function setPoint(point, { fromMap = false } = {}) {
    if (fromMap) {
      lat.value = point.lat.toFixed(6);
      lon.value = point.lon.toFixed(6);
    }
    placeMarker(point);
    if (map && !fromMap) map.setView([point.lat, point.lon], Math.max(map.getZoom(), PICK_ZOOM - 2), { animate: false });
    followAreas(point);
    onPoint(point);
  }

  function typed() {
    const point = readPoint(lat, lon);
    if (point) setPoint(point);
  }
  lat.addEventListener("change", typed);
  lon.addEventListener("change", typed);

  const node = $("#place-map");
  $("#place-map-field").hidden = false;
  try {
    const L = await loadLeaflet();
    map = createMap(L, node);
    map.on("click", (event) => setPoint({ lat: event.latlng.lat, lon: event.latlng.lng }, { fromMap: true }));
    $("#place-centre").hidden = false;
    $("#place-centre").addEventListener("click", () => {
      const centre = map.getCenter();
      setPoint({ lat: centre.lat, lon: centre.lng }, { fromMap: true });
    });
    node.dataset.ready = "true";
    const point = readPoint(lat, lon);
    if (point) placeMarker(point);
  } catch {
    node.hidden = true;
    const hint = $("#place-map-hint");
    hint.removeAttribute("data-i18n"); // no map: its hint says so, in each language
    say(hint, unavailableText);
  }
  return {
    /** Forget the marker (a new report). */
    reset() {
      if (marker) marker.remove();
      marker = null;
      say(status, "");
    },
  };
}
