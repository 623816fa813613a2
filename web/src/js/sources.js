// Where a report lives: this site's own API and pages, or a bordering province's (config.neighbours, from
// web/build.py: {province, name, apiBase, site, bbox}). A report lives where it was filed (its id's
// province): a copy another province handed here is tracked, and supported, at its origin.
import config from "../config.js";

export const OWN = { province: config.province, apiBase: config.apiBase, site: "", own: true };
export const NEIGHBOUR_WAIT_MS = 4000;  // a neighbour slower than this is left out: its rows only help

/** Where a public report was filed (its id's province): this site, a known neighbour, or null. */
export function homeOf(item) {
  if (!item.id) return null;
  const province = item.id.slice(0, 2);
  if (province === config.province) return OWN;
  return (config.neighbours || []).find((n) => n.province === province) || null;
}

/** The tracking page of report ``id`` on the site of ``source``. */
export function trackUrl(source, id) {
  return `${source.site}track.html?id=${encodeURIComponent(id)}`;
}

/**
 * Whether ``source`` lists ``item`` only as a second copy: a neighbour's row of a report this province
 * lists too (``also_in``), unless the neighbour is where it was filed (a private row has no id to match).
 */
export function listedHereToo(item, source) {
  return !source.own && item.also_in === config.province && homeOf(item) !== source;
}
