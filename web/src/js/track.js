// Tracking a report: status, agency, deadlines, the whole timeline; confirm or reopen after Selesai;
// the reporter (with the secret) stops the SMS and e-mail about it.
import config from "../config.js";
import { api, ApiError, errorText, newKey } from "./api.js";
import { $, el, fill, keepInput, photo, say } from "./dom.js";
import { t } from "./i18n.js";
import { announce, initPage, showError } from "./layout.js";
import { categoryName, dateOnly, dateTime, deadline, statusBadge } from "./format.js";
import { ratingChoices } from "./rating.js";
import { evidenceCheck, timeline } from "./timeline.js";
import "./following.js";

const form = $("#track-form");
const output = $("#report-view");
const state = { view: null, secret: "", keys: {}, elsewhere: null, stopped: null };
// API Gateway answers within 29 s: a look-up still unanswered after this is a lost one (said as such)
const LOOK_UP_TIMEOUT_MS = 35_000;

/** Province names by code: this site's neighbours, then those the timeline names (a report handed over
 * and not yet accepted has no entry of the other province: its name comes from the site's neighbours). */
function provinceNames(view) {
  const names = {};
  for (const n of config.neighbours || []) names[n.province] = n.name;
  for (const entry of view.timeline || []) if (entry.province) names[entry.province.code] = entry.province.name;
  return names;
}

function row(labelKey, ...value) {
  return [el("dt", { text: t(labelKey) }), el("dd", {}, ...value)];
}

function details(view) {
  const provinces = provinceNames(view);
  const agency = view.agency
    ? `${view.agency.name} · ${t("timeline.province", { name: provinces[view.agency.province] || view.agency.province })}`
    : t("track.noAgency");
  return el("dl", { class: "facts" },
    row("track.status", statusBadge(view.status)),
    row("track.category", el("span", { "aria-hidden": "true", text: view.category.icon ? `${view.category.icon} ` : "" }),
      categoryName(view.category)),
    row("track.area", (view.area.names || []).join(", ") || view.area.code),
    row("track.agency", agency),
    view.escalated_to ? row("track.escalatedTo", provinces[view.escalated_to] || view.escalated_to) : null,
    row("track.created", dateTime(view.created_at)),
    row("track.updated", dateTime(view.updated_at)),
    view.rating ? row("track.rating", t("track.ratingValue", { rating: view.rating })) : null,
    view.evidence_check ? row("evidence.heading", evidenceCheck(view.evidence_check)) : null,
    row("track.visibility", t(view.visibility === "public" ? "track.visPublic" : "track.visPrivate")));
}

function deadlines(view) {
  const code = view.status.code;
  const coordinated = ["PROSES", "SELESAI", "DITOLAK"].includes(code) || view.closed;
  const finished = ["SELESAI", "DITOLAK"].includes(code) || view.closed;
  const items = [
    deadline("sla.coordinateBy", view.deadlines.coordinate_by, coordinated),
    deadline("sla.finishBy", view.deadlines.finish_by, finished),
    view.deadlines.estimated_completion
      ? el("li", {}, `${t("sla.estimate")}: `, dateOnly(view.deadlines.estimated_completion)) : null,
  ].filter(Boolean);
  return items.length ? [el("h3", { text: t("track.deadlines") }), el("ul", { class: "deadlines" }, items)] : [];
}

function content(view) {
  // a secret typed that did not open a private report: say so (a mistyped letter, not "type the secret")
  if (view.description === undefined) {
    return el("p", { class: state.secret ? "error" : "hint", text: t(state.secret ? "track.wrongSecret" : "track.private") });
  }
  return el("div", { class: "content" },
    el("h3", { text: t("track.description") }),
    el("p", { class: "description", text: view.description }),
    view.address ? el("p", {}, `${t("track.address")}: `, view.address) : null,
    (view.photos || []).length ? el("ul", { class: "photos" }, view.photos.map((p) => el("li", {}, photo(p, t("console.photoAlt"))))) : null);
}

/** A report refused (Ditolak, not as a duplicate: that one's news goes on in the original) is never
 * reopened: its way forward is a new report, on this site's form. */
function rejectedNext(view) {
  if (view.status.code !== "DITOLAK" || view.duplicate_of) return null;
  return el("p", { class: "hint", id: "report-again" }, t("track.rejectedNext"), " ",
    el("a", { href: "index.html", text: t("track.reportAgain") }));
}

/** Until when the reporter may answer (the report then closes by itself), and reopen if that ends sooner. */
function answerUntil(view) {
  const { confirm_by: confirmBy, reopen_by: reopenBy } = view.deadlines;
  if (!confirmBy) return null;
  const sooner = reopenBy && new Date(reopenBy) < new Date(confirmBy);
  return el("p", { class: "hint", id: "answer-until" },
    t("track.answerUntil", { when: dateTime(confirmBy) }),
    sooner ? ` ${t("track.reopenUntil", { when: dateTime(reopenBy) })}` : null);
}

function feedback(view) {
  if (!(view.allowed_actions || []).includes("confirm")) return null;
  const heading = el("h3", { id: "feedback-heading", text: t("track.feedback") });
  if (!state.secret) return el("section", { "aria-labelledby": "feedback-heading" }, heading,
    el("p", { class: "hint", text: t("track.needSecret") }), answerUntil(view));
  const error = el("p", { class: "error", id: "feedback-error", role: "alert", hidden: true });
  const confirmForm = el("form", { id: "confirm-form", novalidate: true, onsubmit: (e) => respond(e, "confirm", error) },
    ratingChoices({ required: true }),
    el("div", { class: "field" },
      el("label", { for: "comment", text: t("track.comment") }),
      el("textarea", { id: "comment", name: "comment", rows: "2", maxlength: "1000" })),
    el("button", { type: "submit", class: "primary", text: t("track.confirm") }));
  const reopenForm = el("form", { id: "reopen-form", novalidate: true, onsubmit: (e) => respond(e, "reopen", error) },
    el("div", { class: "field" },
      el("label", { for: "reason", text: t("track.reason") }),
      el("textarea", { id: "reason", name: "reason", rows: "2", minlength: "3", maxlength: "1000", required: true })),
    el("button", { type: "submit", class: "secondary", text: t("track.reopen") }));
  return el("section", { class: "feedback", "aria-labelledby": "feedback-heading" },
    heading, el("p", { class: "hint", text: t("track.feedbackLead") }), publicWords(view), answerUntil(view), confirmForm,
    reopenForm, error);
}

/** On a public report the reporter's comment and reason are shown to anyone with its number: said before they type. */
function publicWords(view) {
  if (view.visibility !== "public") return null;
  return el("p", { class: "hint", id: "feedback-public", text: t("track.feedbackPublic") });
}

/** The reporter stops every message about the report (an SMS's STOP reply may never arrive): with the
 * secret typed above; without it, how to. Followers stop with their own e-mail's link. */
function stopNews(view) {
  const heading = el("h3", { id: "stop-heading", text: t("track.stopHeading") });
  const section = (...children) => el("section", { class: "stop-news", "aria-labelledby": "stop-heading" }, heading, ...children);
  if (state.stopped === view.id) return section(el("p", { id: "stop-done", tabindex: "-1", text: t("track.stopped") }));
  if (!state.secret) return section(el("p", { class: "hint", text: t("track.stopNeedSecret") }));
  const error = el("p", { class: "error", id: "stop-error", role: "alert", hidden: true });
  return section(el("p", { class: "hint", text: t("track.stopLead") }),
    el("button", { type: "button", class: "secondary", id: "stop-button", text: t("track.stopButton"), onclick: (e) => stop(e, error) }),
    error);
}

async function stop(event, error) {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    // no body: the secret is the whole request (stopping twice answers the same)
    await api(`/reports/${encodeURIComponent(state.view.id)}/unsubscribe`, {
      method: "POST", headers: { "X-Report-Secret": state.secret },
    });
    state.stopped = state.view.id;
    render();
    $("#stop-done").focus();  // the button is gone: focus goes to what it did
    announce(t("track.stopped"));
  } catch (failure) {
    button.disabled = false;
    showError(error, () => errorText(failure));
    button.focus();  // disabled while it waited, it had lost the focus (to the page's start)
  }
}

function render({ focus = false } = {}) {
  const view = state.view;
  if (!view) return;
  const heading = el("h2", { id: "report-heading", tabindex: "-1", text: t("track.reportHeading", { id: view.id }) });
  fill(output, heading, details(view), rejectedNext(view), deadlines(view), content(view),
    el("h3", { text: t("track.timeline") }), timeline(view.timeline, { estimate: view.deadlines.estimated_completion }), feedback(view), stopNews(view));
  output.hidden = false;
  if (focus) heading.focus();
}

async function respond(event, action, error) {
  event.preventDefault();
  const formNode = event.target;
  let body;
  if (action === "confirm") {
    const rating = formNode.querySelector("input[name=rating]:checked");
    if (!rating) return showError(error, () => t("track.needRating"));
    body = { rating: Number(rating.value) };
    const comment = formNode.elements.comment.value.trim();
    if (comment) body.comment = comment;
  } else {
    const reason = formNode.elements.reason.value.trim();
    if (reason.length < 3) return showError(error, () => t("track.needReason"));
    body = { reason };
  }
  // A retry keeps its key; a changed answer is another request and gets a new one (the API refuses a
  // key reused with another body).
  const sent = JSON.stringify(body);
  if (state.keys[action]?.sent !== sent) state.keys[action] = { sent, key: newKey() };
  const button = formNode.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    state.view = await api(`/reports/${encodeURIComponent(state.view.id)}/${action}`, {
      method: "POST", body, headers: { "X-Report-Secret": state.secret, "Idempotency-Key": state.keys[action].key },
    });
    delete state.keys[action];
    render({ focus: true });
    announce(t(action === "confirm" ? "track.confirmed" : "track.reopened"));
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 409 && await movedOn()) {
      // The report moved on (an answer sent before was saved and its reply lost, or an officer acted):
      // it is shown as it stands now, with what was refused and why
      render({ focus: true });
      showError($("#track-error"), () => `${t("track.changed")} ${errorText(failure)}`);
      return;
    }
    button.disabled = false;
    showError(error, () => errorText(failure));
    button.focus();  // disabled while it waited, it had lost the focus (to the page's start)
  }
}

/** True if the report shown, read again (with its secret), has changed since (it is kept, to be drawn);
 * false if it has not, or could not be read: the form and what was typed in it stay as they are. */
async function movedOn() {
  try {
    const headers = { "X-Report-Secret": state.secret };
    const now = await api(`/reports/${encodeURIComponent(state.view.id)}`, { headers, timeout: LOOK_UP_TIMEOUT_MS });
    if (now.updated_at === state.view.updated_at && now.status.code === state.view.status.code) return false;
    state.view = now;
    return true;
  } catch {
    return false;
  }
}

async function lookUp(event) {
  event?.preventDefault();
  const id = $("#report-id").value.trim();
  const error = $("#track-error");
  if (!id) {
    showError(error, () => t("track.needId"));
    $("#report-id").focus();
    return;
  }
  // No secret holds a space: one typed between the groups (as read aloud) or pasted is left out, and the
  // API reads the rest in any case, with or without dashes (an older code exactly as it was given)
  state.secret = $("#report-secret").value.replace(/\s+/g, "");
  showError(error, "");
  showElsewhere(null);
  // On a slow line the answer may take a while: the page says it is looking (a tap seemed to do nothing)
  // and gives up after LOOK_UP_TIMEOUT_MS (a request left hanging was never said to have failed)
  const button = form.querySelector("button[type=submit]");
  const status = $("#track-status");
  const pressed = document.activeElement === button;
  button.disabled = true;
  output.setAttribute("aria-busy", "true");
  say(status, () => t("track.looking"), { hide: true });
  try {
    // The secret goes only to the API of the province the id names (its first two digits): another
    // province's API answers report_in_other_province, cannot check it, and must never see it
    const filedHere = (reportId) => reportId.slice(0, 2) === config.province;
    const withSecret = { "X-Report-Secret": state.secret };
    const timeout = LOOK_UP_TIMEOUT_MS;
    state.view = await api(`/reports/${encodeURIComponent(id)}`, { headers: state.secret && filedHere(id) ? withSecret : {}, timeout });
    if (state.secret && !filedHere(id) && filedHere(state.view.id)) {
      // typed as the API still reads it ("3l-…" for "31-…"): the report is this province's after all
      state.view = await api(`/reports/${encodeURIComponent(state.view.id)}`, { headers: withSecret, timeout });
    }
    render({ focus: true });
    document.dispatchEvent(new CustomEvent("aduan:report", { detail: state.view }));
    announce(t("track.found", { id: state.view.id }));
  } catch (failure) {
    output.hidden = true;
    // the report shown before goes, and its follow form with it (left, it followed that report, under
    // an error about the number just typed)
    $("#follow-section").hidden = true;
    showError(error, () => errorText(failure));
    const site = failure.code === "report_in_other_province" && siteOf(failure.details?.province);
    // The id only: the citizen types the secret there (it never goes into an address)
    showElsewhere(site ? { href: `${site.site}track.html?id=${encodeURIComponent(id)}`, name: site.name } : null);
  } finally {
    button.disabled = false;
    output.removeAttribute("aria-busy");
    say(status, "", { hide: true });
    if (pressed && document.activeElement === document.body) button.focus();  // lost while it was disabled
  }
}

/** The link to the province's site that tracks the report (null: none), in the language shown now. */
function showElsewhere(elsewhere = state.elsewhere) {
  state.elsewhere = elsewhere;
  const node = $("#track-elsewhere");
  node.hidden = !elsewhere;
  fill(node, elsewhere ? el("a", { href: elsewhere.href, text: t("track.otherSite", { province: elsewhere.name }) }) : null);
}

/** A neighbour's site this one knows (config.neighbours), by province code, or null. */
function siteOf(province) {
  return (config.neighbours || []).find((n) => n.province === province) || null;
}

// typed text survives a language switch; the other province's link is worded again
await initPage("track", () => {
  keepInput(output, () => render());
  showElsewhere();
});
form.addEventListener("submit", lookUp);
const asked = new URLSearchParams(window.location.search).get("id");
if (asked) {
  $("#report-id").value = asked;
  await lookUp();
}
document.body.dataset.ready = "true";
