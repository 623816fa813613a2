// One message catalogue per language (i18n/id.json, i18n/en.json); Indonesian by default.
const LANGS = ["id", "en"];
const STORE = "aduan.lang";
const listeners = new Set();
let lang = "id";
let messages = {};
let fallback = {};

async function load(code) {
  const response = await fetch(new URL(`../i18n/${code}.json`, import.meta.url));
  return response.json();
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

/** Switch language, translate static text and tell the page to re-render its dynamic parts. */
export async function setLang(code, remember = true) {
  lang = LANGS.includes(code) ? code : "id";
  messages = lang === "id" ? fallback : await load(lang);
  if (remember) window.localStorage.setItem(STORE, lang);
  document.documentElement.lang = lang;
  translate(document);
  for (const listener of listeners) listener(lang);
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
