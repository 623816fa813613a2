// The console's sign-in view: the agency account (the province's hosted sign-in), a pasted token,
// or (locally) an agency picked for a development token.
import { $, el, fill } from "./dom.js";
import { t } from "./i18n.js";
import { showError } from "./layout.js";
import { accountSignInAvailable, finishAccountSignIn, startAccountSignIn } from "./oauth.js";
import { devAgencies, devToken, signIn } from "./session.js";

const ROLES = ["officer", "coordinator", "admin"];

/** What to tell the officer when the agency-account sign-in failed (never the provider's raw code). */
function accountText(failure) {
  const reason = failure && failure.reason;
  if (reason === "cancelled") return t("console.accountCancelled");
  if (reason === "expired") return t("console.accountExpired");
  if (reason === "network" || failure instanceof TypeError) return `${t("console.accountFailed")} ${t("error.network")}`;
  return t("console.accountFailed");
}

/** Wire the sign-in forms; ``onSignedIn(session)`` after a successful sign-in. */
export async function setUpSignIn(onSignedIn) {
  const error = $("#signin-error");
  if (accountSignInAvailable()) {
    $("#account-signin").hidden = false;
    $("#account-submit").addEventListener("click", () => {
      startAccountSignIn().catch((failure) => showError(error, () => accountText(failure)));
    });
    try {
      const token = await finishAccountSignIn();
      if (token) onSignedIn(signIn(token));
    } catch (failure) {
      showError(error, () => accountText(failure));
    }
  }
  $("#token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    try {
      onSignedIn(signIn($("#token").value));
      $("#token").value = "";
    } catch {
      showError(error, () => t("console.badToken"));
    }
  });
  const agencies = await devAgencies();
  if (!agencies) return;
  fill($("#dev-agency"), agencies.map((a) => el("option", { value: a.id, text: `${a.short_name} (${a.id})` })));
  fill($("#dev-role"), ROLES.map((role) => el("option", { value: role, "data-i18n": `role.${role}`, text: t(`role.${role}`) })));
  $("#dev-signin").hidden = false;
  $("#dev-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      onSignedIn(signIn(await devToken($("#dev-agency").value, $("#dev-role").value)));
    } catch (failure) {
      // (a fetch that got no answer rejects with the browser's own English: say it in ours)
      showError(error, () => {
        const detail = failure instanceof TypeError ? t("error.network")
          : failure instanceof SyntaxError ? "" : failure.message;
        return detail ? `${t("console.devFailed")} ${detail}` : t("console.devFailed");
      });
    }
  });
}
