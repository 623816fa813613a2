// Location pickers: province -> kota/kabupaten -> kecamatan -> kelurahan/desa, from GET /areas.
import config from "../config.js";
import { api } from "./api.js";
import { el, fill } from "./dom.js";
import { t } from "./i18n.js";

const cache = new Map();

async function children(parent) {
  if (!cache.has(parent)) {
    const query = parent ? `?parent=${encodeURIComponent(parent)}` : "";
    cache.set(parent, api(`/areas${query}`).then((body) => body.items).catch((error) => {
      cache.delete(parent);
      throw error;
    }));
  }
  return cache.get(parent);
}

const names = new Map();

/**
 * An area's name as the report's detail shows it, finest first below the province ("Tebet, Kota Adm.
 * Jakarta Selatan"), once ``nameAreas`` has read it; null before.
 */
export function areaName(code) {
  return names.get(code) || null;
}

/**
 * Read the names of these areas from GET /areas: one request per parent level they share (each list read
 * once per page), never one per report. Resolves with the codes named; an area whose list failed keeps its
 * code (asked again next time).
 */
export async function nameAreas(codes) {
  const wanted = [...new Set(codes)].filter((code) => code && !names.has(code));
  const named = await Promise.allSettled(wanted.map(async (code) => {
    const parts = code.split(".");
    const chain = [];
    for (let level = 2; level <= parts.length; level += 1) { // the province's own name is left out
      const own = parts.slice(0, level).join(".");
      const found = (await children(parts.slice(0, level - 1).join("."))).find((item) => item.code === own);
      if (!found) throw new Error(`unknown area ${own}`);
      chain.unshift(found.name);
    }
    names.set(code, chain.join(", "));
    return code;
  }));
  return named.filter((result) => result.status === "fulfilled").map((result) => result.value);
}

function options(select, items, placeholderKey, selected) {
  fill(select,
    el("option", { value: "", text: t(placeholderKey) }),
    items.map((item) => el("option", { value: item.code, text: item.name, selected: item.code === selected })));
  select.disabled = items.length === 0;
}

/**
 * Wire four selects. ``onError(error, retry)`` gets load failures (``retry()`` loads that level again,
 * keeping everything else on the page); ``value()`` is the most specific code picked.
 */
export function areaPicker({ province, kota, kecamatan, kelurahan }, onError) {
  const levels = [province, kota, kecamatan, kelurahan];
  const placeholders = ["report.pickProvince", "report.pickKota", "report.pickKecamatan", "report.pickKelurahan"];

  function reset(index) {
    for (let lower = index; lower < levels.length; lower += 1) {
      fill(levels[lower], el("option", { value: "", text: t(placeholders[lower]) }));
      levels[lower].disabled = true;
    }
  }

  async function load(index, parent, selected = "") {
    reset(index);
    if (index >= levels.length || (index > 0 && !parent)) return;
    try {
      options(levels[index], await children(parent), placeholders[index], selected);
    } catch (error) {
      onError(error, async () => {
        await load(index, parent, selected);
        // the level under it was never loaded (start(): the kota/kabupaten of the province)
        const next = index + 1;
        if (next < levels.length && levels[index].value && levels[next].disabled) await load(next, levels[index].value);
      });
    }
  }

  // A level the citizen chose is theirs: a point's areas (nearest centroid) are only a guess.
  let pickedByHand = false;
  levels.forEach((select, index) => {
    select.addEventListener("change", () => {
      pickedByHand = true;
      load(index + 1, select.value);
    });
  });

  /** Whether every level chosen so far is the one ``codes`` names (or nothing is chosen there). */
  function agrees(codes) {
    return codes.every((code, index) => index >= levels.length || !levels[index].value || levels[index].value === code);
  }

  return {
    /** Load the provinces with this stage's province chosen, and its kota/kabupaten. */
    async start() {
      await load(0, "", config.province);
      await load(1, province.value);
    },
    /**
     * Follow a point's areas (``codes``: province first, as GET /areas/at gives them): each level that
     * differs is chosen and the levels under it reset; a finer choice that still agrees is kept.
     * Areas the citizen chose by hand that disagree are kept as they are: the answer is then false.
     */
    async follow(codes) {
      if (pickedByHand && !agrees(codes)) return false;
      for (let index = 0; index < codes.length && index < levels.length; index += 1) {
        if (levels[index].value === codes[index]) continue;
        await load(index, index ? codes[index - 1] : "", codes[index]);
        if (levels[index].value !== codes[index]) return true;  // not offered (failed to load)
        if (index + 1 < levels.length) await load(index + 1, codes[index]);
      }
      return true;
    },
    /** Re-label the placeholders (language switch). */
    relabel() {
      levels.forEach((select, index) => {
        if (select.options[0] && !select.options[0].value) select.options[0].textContent = t(placeholders[index]);
      });
    },
    /** The most specific area code chosen, and its level index (0 = province). */
    value() {
      for (let index = levels.length - 1; index >= 0; index -= 1) {
        if (levels[index].value) return { code: levels[index].value, depth: index };
      }
      return { code: "", depth: -1 };
    },
  };
}
