// Following a public report by e-mail from its tracking page (a confirmation e-mail first).
import { api, errorText } from "./api.js";
import { $, say } from "./dom.js";
import { onLangChange, t } from "./i18n.js";
import { showError } from "./layout.js";

const section = $("#follow-section");
const state = { view: null };

function render() {
  if (!state.view) return;
  $("#follow-count").textContent = t("follow.count", { count: state.view.followers ?? 0 });
}

document.addEventListener("aduan:report", (event) => {
  state.view = event.detail;
  section.hidden = state.view.visibility !== "public" || state.view.closed;
  say($("#follow-status"), "");
  render();
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
  try {
    await api(`/reports/${encodeURIComponent(state.view.id)}/follow`, {
      method: "POST",
      body: { email, language: $("#follow-language").value },
    });
    say($("#follow-status"), () => t("follow.sent", { email }));
    $("#follow-email").value = "";
  } catch (failure) {
    showError(error, () => errorText(failure));
  }
});
