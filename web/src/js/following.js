// Following a public report by e-mail from its tracking page (a confirmation e-mail first).
import { api, errorText, withDevice } from "./api.js";
import { $, say } from "./dom.js";
import { onLangChange, t } from "./i18n.js";
import { showError } from "./layout.js";

const section = $("#follow-section");
// Arriving from "Lacak, atau ikuti kabarnya lewat e-mail" (track.html?id=...#follow-section): the section
// was hidden when the browser looked for the anchor, so the first report shown goes to its e-mail field
const state = { view: null, goToForm: window.location.hash === "#follow-section" };

function render() {
  if (!state.view) return;
  $("#follow-count").textContent = t("follow.count", { count: state.view.followers ?? 0 });
}

document.addEventListener("aduan:report", (event) => {
  state.view = event.detail;
  section.hidden = state.view.visibility !== "public" || state.view.closed;
  say($("#follow-status"), "");
  render();
  if (state.goToForm && !section.hidden) $("#follow-email").focus();
  state.goToForm = false;
});
onLangChange(render);

$("#follow-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const email = $("#follow-email").value.trim();
  const error = $("#follow-error");
  if (!email) {
    showError(error, () => t("report.needEmail"));
    return;
  }
  showError(error, "");
  // one request per tap: a second tap while the first waits (a slow line) asked for a second e-mail
  const button = event.target.querySelector("button[type=submit]");
  if (button.disabled) return;
  const pressed = document.activeElement === button;
  button.disabled = true;
  try {
    await api(`/reports/${encodeURIComponent(state.view.id)}/follow`, {
      method: "POST",
      body: { email, language: $("#follow-language").value },
      headers: await withDevice(),
    });
    say($("#follow-status"), () => t("follow.sent", { email }));
    $("#follow-email").value = "";
  } catch (failure) {
    const badEmail = failure.code === "validation_error" && failure.details?.[0]?.field === "email";
    // closed since the page was shown (its form shows on open reports only), or past its followers' retention
    const known = { follow_ended: "follow.ended", follow_closed: "follow.closed" }[failure.code];
    showError(error, () => (badEmail ? t("report.badEmail") : known ? t(known) : errorText(failure)));
  } finally {
    button.disabled = false;
    if (pressed && document.activeElement === document.body) button.focus();  // lost while it was disabled
  }
});
