// A message's link: confirm or reopen a report, stop messages, or confirm following a report.
// The token comes in the URL fragment (never sent to a server) and goes to the API in a POST body.
import { api, errorText, withDevice } from "./api.js";
import { $, el, fill, say } from "./dom.js";
import { t } from "./i18n.js";
import { announce, initPage, showError } from "./layout.js";
import { ratingChoices } from "./rating.js";

const purpose = document.body.dataset.purpose;
const token = window.location.hash.slice(1);
const form = $("#link-form");
const error = $("#link-error");
const done = $("#link-done");
// The report a link leads to, and (a link that no longer works) its way on: { id } to its report's tracking
// page (the API named it: a link used within its life), {} to the tracking page, where the number is typed
const state = { reportId: null, wayOn: null };

/** What went wrong, for the citizen: a link used or expired, a link cut short (its token refused as
 * malformed: a mail or SMS app broke the address), or the error in words. */
function failureText(failure) {
  if (failure.code === "link_gone") return t("link.gone");
  if (failure.code === "follow_ended") return t("follow.ended");
  if (failure.code === "validation_error" && failure.details?.[0]?.field === "token") return t("link.incomplete");
  return errorText(failure);
}

function fail(failure) {
  showError(error, () => failureText(failure));
  if (failure.code === "link_gone") {
    state.wayOn = { id: failure.details?.report_id || null };
    render();
  }
  error.focus();
}

/** The link's report, linked to its tracking page: its progress, and (with the secret) a stop to all
 * its news, which the Selesai SMS, whose one link opens this page, says its link leads to. A link that no
 * longer works leads on (``state.wayOn``): "Lihat laporan" to its report, or the tracking page. */
function render() {
  if (state.reportId) {
    const track = `track.html?id=${encodeURIComponent(state.reportId)}`;
    fill($("#link-report"), el("a", { href: track, text: t("link.report", { id: state.reportId }) }));
  }
  const next = $("#link-next");
  next.hidden = !state.wayOn;
  if (!state.wayOn) return;
  const { id } = state.wayOn;
  fill(next, id
    ? el("a", { href: `track.html?id=${encodeURIComponent(id)}`, text: t("link.seeReport", { id }) })
    : el("a", { href: "track.html", text: t("link.trackByNumber") }));
}

async function inspect() {
  if (!token) {
    fail({ code: "link_gone" });
    return;
  }
  try {
    // this phone's token: on a flood morning a carrier's subscribers open their links from one address
    const headers = await withDevice();
    const info = await api("/links/inspect", { method: "POST", body: { token, purpose }, headers });
    state.reportId = info.report_id;
    const said = $("#link-public");
    if (said) said.hidden = !info.public_words;
    render();
    form.hidden = false;
  } catch (failure) {
    fail(failure);
  }
}

function body(act) {
  if (act === "confirm") {
    const rating = Number(form.querySelector("input[name=rating]:checked")?.value);
    if (!rating) return null;
    const comment = $("#link-comment").value.trim();
    return comment ? { token, rating, comment } : { token, rating };
  }
  if (act === "reopen") {
    const reason = $("#link-reason").value.trim();
    return reason.length >= 3 ? { token, reason } : null;
  }
  return { token };
}

async function act(event) {
  event.preventDefault();
  if (form.hasAttribute("aria-busy")) return;  // sent already (Enter in the comment field): one request
  const chosen = event.submitter?.value || purpose;
  const sent = body(chosen);
  const reason = $("#link-reason");
  reason?.removeAttribute("aria-invalid");
  if (!sent) {
    showError(error, () => t(chosen === "confirm" ? "track.needRating" : "track.needReason"));
    // the reason missing is said at its box: marked, and focused to type it
    if (chosen === "reopen") {
      reason.setAttribute("aria-invalid", "true");
      reason.focus();
    }
    return;
  }
  showError(error, "");
  // A link works once: a second tap while the first waits for its answer (a slow line) found it used and
  // said "Tautan ini tidak berlaku lagi" under the thanks. The buttons wait with the request.
  const buttons = [...form.querySelectorAll("button")];
  for (const button of buttons) button.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    await api(`/links/${chosen}`, { method: "POST", body: sent, headers: await withDevice() });
    form.hidden = true;
    say(done, () => t(`link.done.${chosen}`));
    done.hidden = false;
    done.focus();  // the form (and the button pressed) is gone: focus goes to what it did
    announce(done.textContent);
  } catch (failure) {
    for (const button of buttons) button.disabled = false;
    fail(failure);
  } finally {
    form.removeAttribute("aria-busy");
  }
}

$("#rating-choices")?.replaceWith(ratingChoices());  // the feedback link's rating, as the tracking page's
await initPage("link", () => render());
history.replaceState(null, "", window.location.pathname);  // the token leaves the address bar
form.addEventListener("submit", act);
await inspect();
document.body.dataset.ready = "true";
