// The Aduan API of this site's province (or of a neighbour's, with ``base``): JSON in, JSON out, the
// error envelope as ApiError.
import config from "../config.js";
import { inAbout } from "./format.js";
import { t, tIndonesian } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, code, message, details, retryAfter = null) {
    super(message || code);
    this.status = status;
    this.serverMessage = message || null; // the API's own words (its error envelope), if it sent any
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter; // seconds the API asked to wait (Retry-After), or null
  }
}

/** Retry-After in seconds (the API sends whole seconds; a date or anything else counts as absent). */
function retryAfterOf(response) {
  const value = (response.headers.get("Retry-After") || "").trim();
  return /^\d{1,5}$/.test(value) ? Number(value) : null;
}

/**
 * Call the API at ``base`` (this site's own by default); resolves with the JSON body, rejects with
 * ApiError (status 0: no answer, ``signal`` aborted it, or none came within ``timeout`` ms).
 */
export async function api(path, { method = "GET", body, token, headers = {}, base = config.apiBase, signal, timeout } = {}) {
  const sent = { ...headers };
  if (body !== undefined) sent["Content-Type"] = "application/json";
  if (token) sent.Authorization = `Bearer ${token}`;
  let timer = null;
  if (timeout) {
    // a weak mobile line can leave a request hanging for minutes: give up on it (it may be sent again)
    const controller = new AbortController();
    signal?.addEventListener("abort", () => controller.abort());
    timer = window.setTimeout(() => controller.abort(), timeout);
    signal = controller.signal;
  }
  let response;
  let text;
  try {
    response = await fetch(base + path, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    text = await response.text();
  } catch {
    throw new ApiError(0, "network", null);
  } finally {
    window.clearTimeout(timer);
  }
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    // Only the API's own envelope carries words for people; a gateway's bare {"message": "Forbidden"} does not.
    const code = error.code || `http_${response.status}`;
    throw new ApiError(response.status, code, error.message || null, error.details, retryAfterOf(response));
  }
  return data;
}

/** The phone itself is offline (the browser knows it has no network): said as such, not as a server
 * that did not answer. */
export function offline() {
  return window.navigator.onLine === false;
}

/** The leading clause of a sentence, for comparing two messages ("Terlalu banyak permintaan; …"). */
function lead(text) {
  return text.split(/[;:.(]/)[0].trim().toLowerCase();
}

/**
 * A message for the user: what kind of problem (localised), then the server's own words when it sent
 * some that say more (never a bare code, never the same thing twice).
 */
export function errorText(error) {
  if (!(error instanceof ApiError)) return t("error.unexpected");
  if (error.code === "upload_failed") return t("error.upload");
  if (error.status === 0) return t(offline() ? "error.offline" : "error.network");
  const kind = {
    400: "error.badRequest", 401: "error.unauthorized", 403: "error.forbidden", 404: "error.notFound",
    409: "error.conflict", 413: "error.tooLarge", 422: "error.invalid", 429: "error.tooMany", 503: "error.unavailable",
  }[error.status] || "error.server";
  // busy or too many, with a Retry-After (longer than the form waits by itself): say roughly when
  const wait = [429, 503].includes(error.status) && error.retryAfter > 0;
  const sentence = wait ? t(`${kind}In`, { when: inAbout(error.retryAfter) }) : t(kind);
  const words = (error.serverMessage || "").trim();
  // the API's words lead in Indonesian: on the English page too, words saying only the kind add nothing
  const same = [sentence, tIndonesian(kind)].some((said) => lead(words) === lead(said));
  if (!words || same) return sentence.replace(/:\s*$/, ".");
  return `${sentence} ${words}`;
}

/**
 * ``call()`` again while the API answers busy (503) or too many (429) with a Retry-After of at most
 * ``longest`` seconds, waiting as asked, at most ``attempts`` calls in all; with ``unanswered`` (seconds),
 * also when no answer came (a dropped connection, a timeout), waiting ``unanswered`` seconds, then twice
 * as long each time. ``onWait(seconds, error)`` is told before each wait. On a flood morning the
 * citizen's report goes through without a second tap; the call must be safe to repeat (an
 * Idempotency-Key).
 */
export async function patiently(call, { onWait = () => {}, attempts = 5, longest = 30, unanswered = null } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const known = error instanceof ApiError;
      const busy = known && (error.status === 503 || error.status === 429)
        && error.retryAfter !== null && error.retryAfter <= longest;
      const lost = known && error.status === 0 && unanswered !== null;
      if (!(busy || lost) || attempt >= attempts) throw error;
      const seconds = busy ? error.retryAfter : unanswered * 2 ** (attempt - 1);
      onWait(seconds, error);
      await wake(seconds);
    }
  }
}

/** After ``seconds``, or as soon as the phone is back online if it comes back sooner. */
function wake(seconds) {
  return new Promise((resolve) => {
    const done = () => {
      window.clearTimeout(timer);
      window.removeEventListener("online", done);
      resolve();
    };
    const timer = window.setTimeout(done, seconds * 1000);
    window.addEventListener("online", done);
  });
}

/** A random Idempotency-Key (one per form fill or action). */
export function newKey() {
  if (window.crypto.randomUUID) return window.crypto.randomUUID();
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const DEVICE_STORE = "aduan.device";
// A token only spares this phone the shared carrier address's limits: a send waits this long for one at most.
const DEVICE_WAIT_MS = 5000;

const minting = new Map();  // API base -> the token being minted there (the map's reads ask at once)
const minted = new Map();  // API base -> {token, until}: this page's, for when localStorage keeps nothing
const refused = new Map();  // API base -> until when not to ask it for a token again (it refused: 429, 503)
// A mint refused without a Retry-After is not asked again for this long.
const MINT_PAUSE_MS = 60000;

/**
 * This device's token for X-Device-Token at the API ``base`` (POST /devices there: a token is good only
 * at the API that minted it), kept per API in localStorage until a day before it expires. Rate limits
 * then count this phone, not the carrier address it shares with thousands of others. Resolves with
 * null when the API mints none, or none came within ``wait`` ms (at most ``DEVICE_WAIT_MS``: the
 * request goes without).
 */
export async function deviceToken(base = config.apiBase, wait = DEVICE_WAIT_MS) {
  const storeKey = `${DEVICE_STORE}:${base}`;
  let kept = minted.get(base);
  try {
    kept = JSON.parse(window.localStorage.getItem(storeKey) || "null") || kept;
  } catch {
    // unreadable storage: this page's own, else a new one
  }
  if (kept && kept.token && kept.until > Date.now()) return kept.token;
  if ((refused.get(base) || 0) > Date.now()) return null;  // a flood morning: the reads go without
  if (!minting.has(base)) {
    minting.set(base, mint(base, storeKey).finally(() => minting.delete(base)));
  }
  let timer = null;
  const late = new Promise((resolve) => {
    timer = window.setTimeout(() => resolve(null), Math.min(wait, DEVICE_WAIT_MS));
  });
  return Promise.race([minting.get(base), late]).finally(() => window.clearTimeout(timer));
}

async function mint(base, storeKey) {
  try {
    const answer = await api("/devices", { method: "POST", body: {}, base, timeout: DEVICE_WAIT_MS });
    const kept = { token: answer.token, until: Date.now() + Math.max(0, answer.expires_in - 86400) * 1000 };
    minted.set(base, kept);
    try {
      window.localStorage.setItem(storeKey, JSON.stringify(kept));
    } catch {
      // private mode: the token still serves this page
    }
    return kept.token;
  } catch (failure) {
    // Refused by the API (too many, busy): not asked again at once, or on a busy morning every read of
    // the map would ask again. A failed network is asked again at the next send (the phone may be back).
    if (failure.status === 429 || failure.status === 503) {
      refused.set(base, Date.now() + (failure.retryAfter > 0 ? failure.retryAfter * 1000 : MINT_PAUSE_MS));
    }
    return null;
  }
}

/** Headers with this device's token for the API ``base`` added (when there is one within ``wait`` ms). */
export async function withDevice(headers = {}, base = config.apiBase, wait = DEVICE_WAIT_MS) {
  const token = await deviceToken(base, wait);
  return token ? { ...headers, "X-Device-Token": token } : headers;
}

/**
 * GET ``path`` at the API ``base`` with this device's token for that API (never another API's: a token
 * is good only where it was minted), so the map's and the form's reads count this phone, not its carrier
 * address; ``wait`` ms at most for the token and the answer together (none: no limit but the token's).
 */
export async function read(path, { base = config.apiBase, wait } = {}) {
  const started = Date.now();
  const headers = await withDevice({}, base, wait ?? DEVICE_WAIT_MS);
  const timeout = wait === undefined ? undefined : Math.max(1, wait - (Date.now() - started));
  return api(path, { base, headers, timeout });
}
