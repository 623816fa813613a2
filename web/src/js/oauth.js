// Sign-in with the agency account: OAuth 2.0 authorization code with PKCE (RFC 7636) against the
// province's Cognito hosted UI (in development, web/devoauth.py). No secret lives in the browser:
// the verifier stays in this tab (sessionStorage) and only its SHA-256 challenge leaves it.
import config from "../config.js";

const KEY = `aduan.oauth.${config.stage}`;

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(bytes) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A failed sign-in; ``reason``: "cancelled", "expired" (start again), "network" or "failed". */
export class SignInError extends Error {
  constructor(reason, detail) {
    super(detail || reason);
    this.reason = reason;
  }
}

/** Where the provider sends the browser back: this page, without its query. */
function redirectUri() {
  return `${window.location.origin}${window.location.pathname}`;
}

/** True when this site is configured to sign officers in with their agency account. */
export function accountSignInAvailable() {
  return Boolean(config.signIn);
}

/** Go to the provider's sign-in page. */
export async function startAccountSignIn() {
  const verifier = randomText(48);
  const state = randomText(16);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  window.sessionStorage.setItem(KEY, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: config.signIn.clientId,
    redirect_uri: redirectUri(),
    scope: config.signIn.scope,
    state,
    code_challenge: base64url(new Uint8Array(digest)),
    code_challenge_method: "S256",
  });
  window.location.assign(`${config.signIn.authorizeUrl}?${query}`);
}

/**
 * Back from the provider (``?code=&state=`` on this page): the ID token, or null when this is not
 * a return from it. Throws when the return does not match the sign-in this tab started.
 */
export async function finishAccountSignIn() {
  const params = new URLSearchParams(window.location.search);
  if (!config.signIn || (!params.has("code") && !params.has("error"))) return null;
  window.history.replaceState(null, "", redirectUri()); // the code is good once: off the address bar
  const saved = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
  window.sessionStorage.removeItem(KEY);
  if (params.has("error")) {
    throw new SignInError(params.get("error") === "access_denied" ? "cancelled" : "failed", params.get("error"));
  }
  if (!saved || saved.state !== params.get("state")) throw new SignInError("expired", "state mismatch");
  let response;
  let body;
  try {
    response = await fetch(config.signIn.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: config.signIn.clientId,
        code: params.get("code"),
        redirect_uri: redirectUri(),
        code_verifier: saved.verifier,
      }),
    });
  } catch {
    throw new SignInError("network");
  }
  try {
    body = await response.json();
  } catch {
    body = {};
  }
  if (!response.ok) {
    // invalid_grant: the code was used or has expired (a reload, a back button): sign in again
    throw new SignInError(body.error === "invalid_grant" ? "expired" : "failed", body.error || String(response.status));
  }
  // Cognito puts the agency's custom attributes in the ID token, which the API verifies.
  return body.id_token;
}
