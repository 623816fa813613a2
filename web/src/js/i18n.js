// One message catalogue per language (i18n/id.json, i18n/en.json); Indonesian by default.
const LANGS = ["id", "en"];
const STORE = "aduan.lang";
const listeners = new Set();
const catalogues = new Map(); // each fetched once per page: a switch back and forth works offline then
let lang = "id";
let messages = {};
let fallback = {};

async function load(code) {
  if (!catalogues.has(code)) {
    const response = await fetch(new URL(`../i18n/${code}.json`, import.meta.url));
    if (!response.ok) throw new Error(`i18n/${code}.json: ${response.status}`);
    catalogues.set(code, await response.json());
  }
  return catalogues.get(code);
}

function initialLang() {
  const asked = new URLSearchParams(window.location.search).get("lang");
  if (LANGS.includes(asked)) return asked;
  const stored = window.localStorage.getItem(STORE);
  return LANGS.includes(stored) ? stored : "id";
}

/** Load the catalogues and translate the page. */
export async function initI18n() {
  fallback = await load("id");
  await setLang(initialLang(), false);
}

/** The current language code. */
export const currentLang = () => lang;

/** The locale for Intl formatting. */
export const locale = () => (lang === "en" ? "en-GB" : "id-ID");

/**
 * Switch language, translate static text and tell the page to re-render its dynamic parts. False when the
 * language's catalogue cannot be fetched (offline): the page then stays in its language, unchanged.
 */
export async function setLang(code, remember = true) {
  const wanted = LANGS.includes(code) ? code : "id";
  try {
    messages = wanted === "id" ? fallback : await load(wanted);
  } catch {
    return false;
  }
  lang = wanted;
  if (remember) window.localStorage.setItem(STORE, lang);
  document.documentElement.lang = lang;
  translate(document);
  for (const listener of listeners) listener(lang);
  return true;
}

/** Run ``listener`` after every language switch. */
export function onLangChange(listener) {
  listeners.add(listener);
}

const fillIn = (template, vars) =>
  template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));

/** The message ``key`` with ``{name}`` placeholders filled in. */
export function t(key, vars = {}) {
  return fillIn(messages[key] ?? fallback[key] ?? key, vars);
}

/** The message ``key`` in Indonesian, the language the API's own words lead with, whatever the page's. */
export function tIndonesian(key, vars = {}) {
  return fillIn(fallback[key] ?? key, vars);
}

/** Fill ``data-i18n`` (text) and ``data-i18n-attr="attr:key;attr:key"`` elements. */
export function translate(root) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of node.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      node.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}
