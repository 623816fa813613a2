// The citizen's report form: category, description, location, optional photo, visibility, submit.
import config from "../config.js";
import { api, ApiError, errorText, newKey, offline, patiently, withDevice } from "./api.js";
import { areaPicker } from "./areas.js";
import { $, el, fill, say } from "./dom.js";
import { t } from "./i18n.js";
import { announce, initPage, showError } from "./layout.js";
import { photosAvailable, uploadPhoto } from "./photo.js";
import { categoryName } from "./format.js";
import { coordinate, setUpPlace } from "./place.js";
import { nearbyCheck } from "./nearby.js";

const MAX_DESCRIPTION = 4000;
const form = $("#report-form");
const formError = $("#form-error");
const description = $("#description");
const lat = $("#lat");
const lon = $("#lon");
let categories = [];
const photos = [];
// The photo upload under way (resolves true once the photo is up, false if it failed), or null
let photoUpload = null;
// A field the API refused (validation_error's first detail): said in the form's words, at the field (its
// message named "reporter.email", a path the citizen never saw)
const REFUSED = { "reporter.email": ["#reporter-email", "report.badEmail"], "reporter.phone": ["#reporter-phone", "report.badPhone"] };
// One Idempotency-Key per form fill: a double tap or a retry of the same report reuses it.
const attempt = { key: null, body: null };
// The report being sent, until the API answers it (stored, or refused): kept in this tab's sessionStorage,
// so that after a reload (or a phone restoring a tab it had discarded) it is sent again with its key; a
// closed tab forgets it, and with it the contact details it may hold
const PENDING = `aduan.pending.${config.stage}`;
// A request that hangs on a weak line is given up after this long (API Gateway answers within 29 s)...
const SEND_TIMEOUT_MS = 35_000;
// ... and, like a dropped connection, sent again by itself after 3 s, then 6, 12 and 24 s
const UNANSWERED_WAIT_SECONDS = 3;

const picker = areaPicker(
  { province: $("#province"), kota: $("#kota"), kecamatan: $("#kecamatan"), kelurahan: $("#kelurahan") },
  (error, retry) => {
    showError($("#areas-error"), () => errorText(error));
    $("#areas-failed").hidden = false;
    $("#areas-retry").onclick = () => {
      $("#areas-failed").hidden = true;
      retry();
    };
  },
);

function renderCategories() {
  const chosen = form.querySelector("input[name=category]:checked")?.value;
  fill($("#categories"), categories.map((category) => el("label", { class: "category-option" },
    el("input", { type: "radio", name: "category", value: category.code, required: true,
      checked: category.code === chosen }),
    el("span", { class: "category-icon", "aria-hidden": "true", text: category.icon }),
    el("span", { class: "category-name", text: categoryName(category) }))));
}

function updateCounter() {
  $("#description-count").textContent = t("report.counter", { count: description.value.length, max: MAX_DESCRIPTION });
}

function render() {
  renderCategories();
  picker.relabel();
  updateCounter();
}

function useMyLocation() {
  const status = $("#geo-status");
  if (!navigator.geolocation) {
    say(status, () => t("report.geoUnsupported"));
    return;
  }
  say(status, () => t("report.geoWaiting"));
  navigator.geolocation.getCurrentPosition((position) => {
    lat.value = position.coords.latitude.toFixed(6);
    lon.value = position.coords.longitude.toFixed(6);
    const found = { lat: lat.value, lon: lon.value, accuracy: Math.round(position.coords.accuracy || 0) };
    say(status, () => t("report.geoDone", found));
    lon.dispatchEvent(new Event("change"));  // the map and the area fields follow
  }, (error) => {
    say(status, () => (error.code === 1 ? t("report.geoDenied") : t("report.geoFailed")));
  }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
}

/** ``message``: a function giving the problem in the current language. */
function invalid(field, message, problems) {
  field.setAttribute("aria-invalid", "true");
  problems.push({ field, message });
}

/** The request body, or null after showing what is missing. */
function collect() {
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  const problems = [];
  const category = form.querySelector("input[name=category]:checked")?.value;
  if (!category) problems.push({ field: form.querySelector("input[name=category]") || $("#categories"), message: () => t("report.needCategory") });
  const text = description.value.trim();
  if (!text) invalid(description, () => t("report.needDescription"), problems);
  const area = picker.value();
  if (area.depth < 2) invalid(area.depth < 1 ? $("#kota") : $("#kecamatan"), () => t("report.needArea"), problems);
  const latitude = coordinate(lat.value);
  const longitude = coordinate(lon.value);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) {
    invalid(lat, () => t("report.needCoordinates"), problems);
    $("#coordinates").open = true;
  }
  const reporter = notifyChoice(problems);
  if (problems.length) {
    showError(formError, () => problems.map((p) => p.message()).join(" "));
    problems[0].field.focus();
    return null;
  }
  showError(formError, "");
  const body = {
    category,
    description: text,
    location: { lat: latitude, lon: longitude, area_code: area.code },
    visibility: form.elements.visibility.value,
  };
  const address = $("#address").value.trim();
  if (address) body.address = address;
  if (photos.length) body.photos = [...photos];
  if (reporter) body.reporter = reporter;
  return body;
}

/** The reporter's opt-in to notifications (channels, their addresses, language), or null. */
function notifyChoice(problems) {
  const email = $("#reporter-email").value.trim();
  const phone = $("#reporter-phone").value.trim();
  const notify = [...form.querySelectorAll("input[name=notify]:checked")].map((box) => box.value);
  if (notify.includes("email") && !email) invalid($("#reporter-email"), () => t("report.needEmail"), problems);
  if (notify.includes("sms") && !phone) invalid($("#reporter-phone"), () => t("report.needPhone"), problems);
  if (!notify.length && !email && !phone) return null;
  const reporter = { notify, language: $("#notify-language").value };
  if (email) reporter.email = email;
  if (phone) reporter.phone = phone;
  return reporter;
}

async function submit(event) {
  event.preventDefault();
  const button = $("#submit");
  if (button.disabled) return;
  if (photoUpload && !(await photoFirst(button))) return;
  const body = collect();
  if (!body) return;
  const serialized = JSON.stringify(body);
  if (serialized !== attempt.body) Object.assign(attempt, { key: newKey(), body: serialized });
  await sending(button, attempt.key, body);
}

// Every try failed while the phone was offline: the kept report goes by itself once it is back online
let heldOffline = false;

/** A report the API has not answered in this tab before (a reload): sent again under its key. */
async function resumePending() {
  let kept = null;
  try {
    kept = JSON.parse(window.sessionStorage.getItem(PENDING) || "null");
  } catch {
    kept = null;
  }
  if (!kept || !kept.key || !kept.body) return;
  $("#pending-retry").hidden = true;
  showError(formError, "");
  Object.assign(attempt, { key: kept.key, body: JSON.stringify(kept.body) });
  await sending($("#submit"), kept.key, kept.body, true);
}

function keepPending(pending) {
  try {
    if (pending) window.sessionStorage.setItem(PENDING, JSON.stringify(pending));
    else window.sessionStorage.removeItem(PENDING);
  } catch {
    // storage unavailable (private mode): the report is still sent again while the page is open
  }
}

/** The API said no to the report itself (not busy, not unanswered): sending it again changes nothing. */
function refused(error) {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && ![408, 429].includes(error.status);
}

/**
 * Send the report ``body`` under ``key``, again by itself while the API is busy or does not answer; the
 * button stays disabled meanwhile (a second tap sends nothing). ``resumed``: kept from before a reload.
 */
async function sending(button, key, body, resumed = false) {
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
  keepPending({ key, body });
  $("#pending-retry").hidden = true;
  // said under the button too (on a slow line the answer may take half a minute: a dimmed button alone
  // looked like a page that had hung)
  const sendingWords = resumed ? "report.pendingSending" : "report.sending";
  announce(t(sendingWords));
  showStatus(() => t(sendingWords));
  try {
    const headers = await withDevice({ "Idempotency-Key": key });
    const send = () => api("/reports", { method: "POST", body, headers, timeout: SEND_TIMEOUT_MS });
    const result = await patiently(send, { onWait: showWaiting, unanswered: UNANSWERED_WAIT_SECONDS });
    keepPending(null);
    showResult(result);
  } catch (error) {
    if (refused(error)) keepPending(null);
    const [field, message] = (error.code === "validation_error" && REFUSED[error.details?.[0]?.field]) || [];
    const kept = resumed && !refused(error);
    // offline, a new report is still kept in this tab (sent again on a reload, or by Kirim laporan, same key)
    const keptWords = kept ? "report.pendingKept" : (error?.status === 0 && offline() && "report.offlineKept");
    heldOffline = error?.status === 0 && offline() && !refused(error);
    showError(formError, message ? () => t(message) : () => (keptWords ? `${errorText(error)} ${t(keptWords)}` : errorText(error)));
    if (field && !resumed) $(field).setAttribute("aria-invalid", "true");
    $("#pending-retry").hidden = !kept;
    (field && !resumed ? $(field) : formError).focus();
  } finally {
    showStatus(null);
    button.disabled = false;
    form.removeAttribute("aria-busy");
  }
}

/**
 * Sent while the photo is still uploading (a slow line), the report went without it: wait for it, saying
 * so under the button. False (shown, focused) if it failed: a second tap sends the report without it.
 */
async function photoFirst(button) {
  const status = $("#form-status");
  button.disabled = true;
  status.hidden = false;
  say(status, () => t("report.photoUploading"));
  let uploaded = true;
  while (photoUpload) uploaded = await photoUpload;  // another photo chosen meanwhile: that one
  say(status, "");
  status.hidden = true;
  button.disabled = false;
  if (!uploaded) {
    showError(formError, () => t("report.photoNotSent"));
    formError.focus();
  }
  return uploaded;
}

/** Under the button (null: hide): ``message``, a function giving it in the current language. */
function showStatus(message) {
  const status = $("#form-status");
  status.hidden = message === null;
  say(status, message === null ? "" : message);
}

/** While the API is busy or does not answer (or the phone is offline): the form says it sends again by
 * itself in ``seconds``. */
function showWaiting(seconds, error) {
  const lost = error?.status === 0;
  const key = lost && offline() ? "report.offlineRetrying" : lost ? "report.unansweredRetrying" : "report.busyRetrying";
  showStatus(() => t(key, { seconds }));
}

function showResult(result) {
  $("#result-id").textContent = result.id;
  $("#result-secret").textContent = result.secret;
  $("#track-link").href = `track.html?id=${encodeURIComponent(result.id)}`;
  form.hidden = true;
  $("#pending-retry").hidden = true;
  $("#result").hidden = false;
  $("#result-heading").focus();
  announce(t("report.sentAnnounce", { id: result.id }));
}

function newReport() {
  form.reset();
  photos.length = 0;
  Object.assign(attempt, { key: null, body: null });
  say($("#photo-status"), "");
  say($("#photo-name"), () => t("report.photoNone"));
  say($("#geo-status"), "");
  updateCounter();
  picker.start();
  place?.reset();
  $("#nearby").hidden = true;
  $("#result").hidden = true;
  form.hidden = false;
  $("#main").focus();
}

async function copy(button) {
  const text = $(`#${button.dataset.copy}`).textContent;
  try {
    await navigator.clipboard.writeText(text);
    announce(t("common.copied"));
  } catch {
    window.getSelection().selectAllChildren($(`#${button.dataset.copy}`));
    announce(t("common.copyManually"));
  }
}

// The photo probe unanswered (a flaky line as the page opened) is asked again after 3, 6, 12 and 24 s: it
// was taken for "this site has no photos", and the tab never offered one
const PROBE_WAITS_SECONDS = [3, 6, 12, 24];

async function setUpPhoto() {
  let available = await photosAvailable();
  for (const seconds of PROBE_WAITS_SECONDS) {
    if (available !== null) break;
    await new Promise((resolve) => { window.setTimeout(resolve, seconds * 1000); });
    available = await photosAvailable();
  }
  if (!available) return;
  $("#photo-field").hidden = false;
  say($("#photo-name"), () => t("report.photoNone"));
  $("#photo").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    const status = $("#photo-status");
    if (!file) return;
    say($("#photo-name"), file.name);  // the native button's file name, hidden with it
    photos.length = 0; // the photo chosen now is the report's: an earlier one is never sent in its place
    say(status, () => t("report.photoUploading"));
    // busy (the API's 429/503, the bucket's 503): uploaded again by itself (a new ticket each time)
    const upload = patiently(() => uploadPhoto(file)).then((key) => {
      if (photoUpload !== upload) return true; // a photo chosen since replaced this one
      photos.splice(0, photos.length, key);
      say(status, () => t("report.photoDone"));
      return true;
    }, (error) => {
      if (photoUpload === upload) say(status, () => errorText(error));
      return false;
    });
    photoUpload = upload;
    await upload;
    if (photoUpload === upload) photoUpload = null;
  });
}

// An address typed under "Kabari saya" ticks its channel (typed without it, the address went with the
// report and the citizen was never told anything), and clearing it unticks what it ticked; once the
// citizen has ticked or unticked the box, it is theirs for this fill
const CHANNELS = [[$("#reporter-email"), $("#notify-email")], [$("#reporter-phone"), $("#notify-sms")]];
for (const [field, box] of CHANNELS) {
  field.addEventListener("input", () => {
    const typed = Boolean(field.value.trim());
    if (typed && field.dataset.ticked === undefined && !box.checked) {
      box.checked = true;
      field.dataset.ticked = "auto";
    } else if (!typed && field.dataset.ticked === "auto") {
      box.checked = false;
      delete field.dataset.ticked;
    }
  });
  box.addEventListener("change", () => { field.dataset.ticked = "citizen"; });
}
form.addEventListener("reset", () => { for (const [field] of CHANNELS) delete field.dataset.ticked; });

await initPage("report", render);
description.addEventListener("input", updateCounter);
$("#use-location").addEventListener("click", useMyLocation);
form.addEventListener("submit", submit);
$("#new-report").addEventListener("click", newReport);
for (const button of document.querySelectorAll("[data-copy]")) button.addEventListener("click", () => copy(button));
updateCounter();
// The categories: asked again as a busy API asks (a flood morning), the rest of the form loading meanwhile;
// a failure is said where the categories go, with a button to ask again (there was nothing to choose)
async function loadCategories() {
  $("#categories-failed").hidden = true;
  try {
    categories = (await patiently(() => api("/categories"))).categories;
    renderCategories();
  } catch (error) {
    showError($("#categories-error"), () => errorText(error));
    $("#categories-failed").hidden = false;
  }
}
$("#categories-retry").addEventListener("click", async () => {
  await loadCategories();
  ($("#categories-failed").hidden ? form.querySelector("input[name=category]") : $("#categories-retry")).focus();
});
const categoriesLoaded = loadCategories();
await picker.start();
// The map and "Sudah dilaporkan?" (same category within 50 m of the point)
const checkNearby = nearbyCheck(() => categories);
let point = null;
const chosenCategory = () => form.querySelector("input[name=category]:checked")?.value;
$("#categories").addEventListener("change", () => checkNearby(point, chosenCategory()));
const place = await setUpPlace({
  lat, lon, picker, onPoint: (chosen) => { point = chosen; checkNearby(point, chosenCategory()); },
});
setUpPhoto();
await categoriesLoaded;
$("#pending-retry").addEventListener("click", resumePending);
window.addEventListener("online", () => {
  if (!heldOffline || $("#submit").disabled) return;
  heldOffline = false;
  resumePending();
});
document.body.dataset.ready = "true";
resumePending();
