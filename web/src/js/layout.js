// The frame every page shares: header with navigation and language switch, footer, live region.
import config from "../config.js";
import { offline } from "./api.js";
import { $, el, fill, say, sayAgain } from "./dom.js";
import { currentLang, initI18n, onLangChange, setLang, t } from "./i18n.js";

const PAGES = [
  ["report", "index.html", "nav.report"],
  ["track", "track.html", "nav.track"],
  ["map", "peta.html", "nav.map"],
  ["console", "console.html", "nav.console"],
  ["dashboard", "dashboard.html", "nav.dashboard"],
];

function renderHeader(page) {
  const links = PAGES.map(([id, href, key]) => el("li", {},
    el("a", { href, "aria-current": id === page ? "page" : null, text: t(key) })));
  const other = currentLang() === "id" ? "en" : "id";
  const toggle = el("button", {
    type: "button", class: "lang-switch", lang: other, id: "lang-switch",
    "aria-label": t("nav.switchLabel"), text: t("nav.switch"),
    onclick: () => switchTo(other),
  });
  fill($("#site-header"),
    el("div", { class: "brand" },
      el("a", { href: "index.html", class: "brand-name" }, el("span", { "aria-hidden": "true", text: "📣 " }),
        t("site.name", { province: config.provinceName }))),
    toggle,
    el("p", { id: "lang-note", class: "lang-note", role: "alert", hidden: true }),
    el("nav", { "aria-label": t("nav.label") }, el("ul", {}, links)));
  fill($("#site-footer"), el("p", { text: t("site.footer") }));
}

/** The header's switch: the page in the other language, or, when its words cannot be fetched (offline),
 * the page as it is and why, in its own language (the switch still offers the other). */
async function switchTo(code) {
  if (!(await setLang(code))) {
    say($("#lang-note"), () => t(offline() ? "nav.switchOffline" : "nav.switchFailed"), { hide: true });
  }
  $("#lang-switch").focus();
}

/** Load messages, draw the frame; ``render`` re-draws the page's dynamic parts on a language switch. */
export async function initPage(page, render = () => {}) {
  await initI18n();
  renderHeader(page);
  document.title = `${t(`${page}.title`)} · ${t("site.name", { province: config.provinceName })}`;
  onLangChange(() => {
    renderHeader(page);
    document.title = `${t(`${page}.title`)} · ${t("site.name", { province: config.provinceName })}`;
    render();
    sayAgain(); // errors and statuses shown, in the new language
  });
}

/** Say something to screen-reader users (polite). */
export function announce(message) {
  const region = $("#live");
  region.textContent = "";
  window.setTimeout(() => { region.textContent = message; }, 50);
}

/**
 * Show an error (role=alert) in ``node``: ``message`` is a function giving it in the current language,
 * so that a language switch says it again in the new one (``() => errorText(failure)``), or fixed
 * text; hide it with an empty message.
 */
export function showError(node, message) {
  say(node, message, { hide: true });
}
