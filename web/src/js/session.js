// The agency's sign-in: a bearer token kept for this tab only (sessionStorage), its claims read for display.
import config from "../config.js";

const KEY = `aduan.session.${config.stage}`;

/** The token's claims (not verified here: the API verifies every call). */
export function claims(token) {
  const part = (token || "").split(".")[1];
  if (!part) throw new Error("not a JWT");
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function describe(token) {
  const c = claims(token);
  return {
    token,
    agency: c["custom:agency"],
    province: c["custom:province"],
    role: c["custom:role"],
    expires: c.exp ? new Date(c.exp * 1000) : null,
  };
}

/** The current session, or null (none, unreadable or expired). */
export function currentSession() {
  const token = window.sessionStorage.getItem(KEY);
  if (!token) return null;
  try {
    const session = describe(token);
    if (session.expires && session.expires.getTime() < Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

/** Keep ``token``; throws if it is not a readable, unexpired token. */
export function signIn(token) {
  const session = describe(token.trim());
  if (session.expires && session.expires.getTime() < Date.now()) throw new Error("expired");
  window.sessionStorage.setItem(KEY, session.token);
  return session;
}

export function signOut() {
  window.sessionStorage.removeItem(KEY);
}

/** Development sign-in (only `python -m web.serve --dev` answers): the province's agencies, or null. */
export async function devAgencies() {
  try {
    const response = await fetch(`/dev/agencies?stage=${encodeURIComponent(config.stage)}`);
    if (!response.ok) return null;
    return (await response.json()).agencies;
  } catch {
    return null;
  }
}

/** A development token for an agency and role. */
export async function devToken(agency, role) {
  const query = new URLSearchParams({ stage: config.stage, agency, role });
  const response = await fetch(`/dev/token?${query}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error?.message || response.statusText);
  return body.token;
}
