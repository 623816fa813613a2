// The agency console: sign in, the inbox, a report's detail and actions.
import { api, errorText } from "./api.js";
import { $, el, fill, keepInput } from "./dom.js";
import { t } from "./i18n.js";
import { announce, initPage, showError } from "./layout.js";
import { dateTime } from "./format.js";
import { currentSession, signOut } from "./session.js";
import { setUpSignIn } from "./signin.js";
import { fetchInbox, inboxItem, nameInboxAreas } from "./inbox.js";
import { drawInboxMap } from "./inboxmap.js";
import { fetchReport, renderDetail } from "./detail.js";

const STATUSES = ["MENUNGGU", "DISPOSISI", "KOORDINASI", "PROSES", "SELESAI", "DITOLAK"];
const state = { session: null, items: [], cursor: null, filters: null, view: null, opening: null, categories: {},
  provinceNames: {}, doubtful: false, handed: null, notice: null };

function filters() {
  return {
    status: $("#filter-status").value,
    overdue: $("#filter-overdue").checked,
    agency: $("#filter-agency").value.trim(),
    sort: $("#filter-sort").value,
  };
}

function renderWho() {
  const s = state.session;
  fill($("#who"), t("console.signedInAs", { agency: s.agency, role: t(`role.${s.role}`) }),
    s.expires ? ` · ${t("console.until", { time: dateTime(s.expires.toISOString()) })}` : "");
}

function renderStatusFilter() {
  const chosen = $("#filter-status").value;
  fill($("#filter-status"), el("option", { value: "", text: t("console.allStatuses") }),
    STATUSES.map((code) => el("option", { value: code, text: t(`status.${code}`), selected: code === chosen })));
}

// What the inbox says about the last action, when it took the report away (see movedAway)
function renderNotice() {
  const notice = $("#inbox-notice");
  const said = state.notice;
  notice.hidden = !said;
  notice.textContent = said ? t("console.movedAway", { id: said.id, action: t(`console.action.${said.action}`) }) : "";
}

// An empty list says so, and under which filter (an officer who filtered sees why nothing shows)
function nothing() {
  if (state.doubtful) return t("console.noneDoubtful");
  if (state.handed) return t("console.noneHanded");
  const { status, overdue, agency } = state.filters || {};
  const asked = [status ? t(`status.${status}`) : null, overdue ? t("console.onlyOverdue") : null,
    agency ? `${t("console.agency")} ${agency}` : null].filter(Boolean);
  return asked.length ? t("console.noneFiltered", { filter: asked.join(", ") }) : t("console.none");
}

function renderInbox() {
  renderNotice();
  fill($("#inbox-list"), state.items.map((item) => inboxItem(item, state.categories, state.provinceNames)));
  nameInboxAreas($("#inbox-list"), state.items);
  // which list is shown: its button pressed, and the count (announced) names it
  $("#doubtful").setAttribute("aria-pressed", String(state.doubtful));
  $("#handed").setAttribute("aria-pressed", String(Boolean(state.handed)));
  const list = state.doubtful ? t("console.doubtful") : state.handed ? t("console.handed") : null;
  const count = t("console.count", { count: state.items.length });
  $("#inbox-count").textContent = !state.items.length ? nothing() : list ? `${list}: ${count}` : count;
  $("#more").hidden = !state.cursor;
  drawInboxMap(state.items);
}

// "Bukti meragukan" (coordinators): resolves on an unverified evidence photo, oldest first.
function fetchDoubtful(session, cursor) {
  const query = new URLSearchParams({ limit: "20" });
  if (cursor) query.set("cursor", cursor);
  return api(`/agency/evidence/doubtful?${query}`, { token: session.token });
}

// "Diserahkan ke provinsi lain" (coordinators): reports handed to a neighbouring province, every one,
// of the status chosen when the list was asked for (a cursor continues that list).
function fetchHanded(session, { status }, cursor) {
  const query = new URLSearchParams({ limit: "20" });
  if (status) query.set("status", status);
  if (cursor) query.set("cursor", cursor);
  return api(`/agency/handed?${query}`, { token: session.token });
}

/**
 * The inbox's first page with the filters chosen now, or (``more``) the next page of the list shown, or
 * (``again``) that list's first page again: a cursor continues the list it came from, with its filters,
 * whatever the filter form says meanwhile (applied only by "Tampilkan").
 */
let inboxAsked = 0; // the latest list asked for: an earlier one's late answer is not drawn over it

async function loadInbox({ more = false, again = false } = {}) {
  const error = $("#inbox-error");
  const asked = ++inboxAsked;
  try {
    const cursor = more ? state.cursor : null;
    const chosen = (more || again) && state.filters ? state.filters : filters();
    const page = state.doubtful ? await fetchDoubtful(state.session, cursor)
      : state.handed ? await fetchHanded(state.session, state.handed, cursor)
        : await fetchInbox(state.session, { ...chosen, cursor });
    if (asked !== inboxAsked) return;
    if (!state.doubtful && !state.handed) state.filters = chosen;
    state.items = more ? [...state.items, ...page.items] : page.items;
    state.cursor = page.next_cursor;
    showError(error, "");
    renderInbox();
  } catch (failure) {
    // 401: the session is over; say so on the sign-in view (the workspace and its messages are hidden)
    if (failure.status === 401) signedOut(() => t("error.unauthorized"));
    else if (asked === inboxAsked) showError(error, () => errorText(failure));
  }
}

function showInbox() {
  $("#detail").hidden = true;
  $("#inbox").hidden = false;
}

/**
 * The action saved took the report out of this agency's reach (forwarded, refused, handed over to another
 * province): its reload is refused. The action stands: back to the inbox, which says so.
 */
function movedAway(id, action) {
  state.view = null;
  state.notice = { id, action };
  if (window.location.hash) window.location.hash = "";
  showInbox();
  renderNotice();
  $("#inbox-notice").focus();
}

/**
 * Fetch and draw the report ``key``; true once drawn. A failure is said next to the report's action form
 * when it is the report shown, else in ``error`` (the inbox's error line unless given).
 */
async function openReport(key, { focus = true, force = false, keep = false, gone = null, error: said = null } = {}) {
  // Sign-in and the address may both ask for the report shown (or being fetched): a second,
  // unforced open must not redraw the form under the officer's hands (a chosen action or a typed
  // note would be lost). A stale view is caught by If-Match, and the 409 offers a reload.
  if (!force && state.opening === key) return false;
  if (!force && state.view && state.view.key === key && !$("#detail").hidden) return false;
  state.opening = key;
  try {
    state.view = await fetchReport(state.session, key);
    state.notice = null;
  } catch (failure) {
    if (failure.status === 401) {
      signedOut(() => t("error.unauthorized"));
      return false;
    }
    if (gone && (failure.status === 403 || failure.status === 404)) {
      gone();
      return false;
    }
    // A reload of the report shown (after an action, or "Muat ulang laporan") failed: say so next to
    // its action form, which stays usable (and can ask for the reload again)
    const shown = !$("#detail").hidden && state.view && state.view.key === key;
    const error = (shown && ($("#action-error") || $("#review-error"))) || said || $("#inbox-error");
    showError(error, () => errorText(failure));
    if (shown) {
      const submit = $("#action-form button[type=submit]");
      if (submit) submit.disabled = false;
      const reload = $("#action-reload");
      if (reload) reload.hidden = false;
      error.focus();
    }
    return false;
  } finally {
    state.opening = null;
  }
  drawDetail(focus, { keep });
  return true;
}

/**
 * Draw the report fetched; with ``keep`` (the officer asked for a reload, e.g. after a version conflict)
 * the action chosen, the words typed and the photo picked stay, on the new version, ready to send again.
 */
function drawDetail(focus, { keep = false } = {}) {
  if (!state.view) return;
  $("#inbox").hidden = true;
  $("#detail").hidden = false;
  const draw = () => renderDetail($("#detail"), state.view, {
    state, provinceNames: state.provinceNames,
    onBack: () => { window.location.hash = ""; },
    // after an action: the report as it is now, with an empty form; on request (action null): a reload
    onDone: async (action) => {
      const { key, id } = state.view;
      await openReport(key, { force: true, keep: !action, gone: action ? () => movedAway(id, action) : null });
      loadInbox({ again: true });
    },
  });
  let heading;
  if (keep) {
    const photo = $("#action-evidence-photo")?.files;
    for (const node of $("#detail").querySelectorAll(".error[id]")) node.hidden = true; // answered by the reload
    heading = keepInput($("#detail"), draw);
    const input = $("#action-evidence-photo");
    if (input && photo && photo.length) input.files = photo;
  } else {
    heading = draw();
  }
  if (focus) heading.focus();
}

function route() {
  const match = window.location.hash.match(/^#report=(.+)$/);
  if (match && state.session) openReport(decodeURIComponent(match[1]));
  else {
    state.view = null;
    showInbox();
  }
}

function signedIn(session) {
  state.session = session;
  $("#signin").hidden = true;
  $("#workspace").hidden = false;
  $("#filter-agency-field").hidden = session.role === "officer";
  $("#doubtful").hidden = session.role === "officer";
  $("#handed").hidden = session.role === "officer";
  renderWho();
  announce(t("console.welcome", { agency: session.agency }));
  loadInbox().then(route);
  $("#workspace-heading").focus();
}

/** Back to the sign-in view, with ``message`` (why: a function giving it, as showError takes) shown there. */
function signedOut(message = "") {
  signOut();
  state.session = null;
  $("#workspace").hidden = true;
  $("#signin").hidden = false;
  showError($("#signin-error"), message);
}

async function lookups() {
  const [categories, provinces] = await Promise.allSettled([api("/categories"), api("/areas")]);
  if (categories.status === "fulfilled") {
    for (const c of categories.value.categories) state.categories[c.code] = c;
  }
  if (provinces.status === "fulfilled") {
    for (const p of provinces.value.items) state.provinceNames[p.code] = p.name;
  }
}

await initPage("console", () => {
  renderStatusFilter();
  if (state.session) {
    renderWho();
    renderInbox();
    if (!$("#detail").hidden) {
      const reload = $("#action-reload");
      const offered = reload && !reload.hidden;
      keepInput($("#detail"), () => drawDetail(false)); // a typed note survives the language switch
      if (offered && $("#action-reload")) $("#action-reload").hidden = false;
    }
  }
});
renderStatusFilter();
await lookups();
$("#filter-form").addEventListener("submit", (event) => {
  event.preventDefault();
  state.doubtful = false;
  state.handed = null;
  state.notice = null;
  loadInbox();
});
// "Buka laporan nomor": the number a caller reads out (the API reads it as a citizen's id is, and another
// province's number as this province's copy of it), opened from the inbox or another report; the address
// then names the report's key, as an inbox row's link does. A failure is said under the field.
$("#open-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = $("#open-error");
  const typed = $("#open-key").value.trim();
  if (!typed) {
    $("#open-key").focus();
    showError(error, () => t("console.openEmpty"));
    return;
  }
  showError(error, "");
  if (await openReport(typed, { force: true, error })) {
    window.location.hash = `#report=${encodeURIComponent(state.view.key)}`;
  } else if (!error.hidden) error.focus();
});
$("#doubtful").addEventListener("click", () => {
  state.doubtful = true;
  state.handed = null;
  loadInbox();
});
$("#handed").addEventListener("click", () => {
  state.doubtful = false;
  state.handed = { status: $("#filter-status").value };
  loadInbox();
});
$("#more").addEventListener("click", () => loadInbox({ more: true }));
$("#sign-out").addEventListener("click", () => signedOut());
window.addEventListener("hashchange", route);
await setUpSignIn(signedIn);
const existing = currentSession();
if (existing && !state.session) signedIn(existing); // (back from the agency sign-in: already in)
document.body.dataset.ready = "true";
