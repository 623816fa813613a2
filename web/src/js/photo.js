// Optional photo upload through a presigned POST (POST /photos), shown only if the API has it.
import { api, ApiError, withDevice } from "./api.js";
import config from "../config.js";

const PROBED = `aduan.photos.${config.stage}`;

/**
 * Whether the API offers POST /photos: true or false, remembered for the tab; null when no answer came
 * (a flaky line as the page opened), not remembered, so that it is asked again. An empty body is refused
 * (422) where the route exists; a missing route answers 404 (API Gateway: 403, often without CORS
 * headers, so fetch fails, as with no connection: asked again on each page, never remembered as absent).
 */
export async function photosAvailable() {
  const known = window.sessionStorage.getItem(PROBED);
  if (known !== null) return known === "yes";
  let response;
  try {
    response = await fetch(`${config.apiBase}/photos`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
    });
  } catch {
    return null;
  }
  const available = ![403, 404, 405].includes(response.status);
  window.sessionStorage.setItem(PROBED, available ? "yes" : "no");
  return available;
}

/** Upload ``file``; resolves with the photo key to put in the report. */
export async function uploadPhoto(file) {
  const answer = await api("/photos", {
    method: "POST", body: { content_type: file.type || "image/jpeg", size: file.size }, headers: await withDevice(),
  });
  return postFile(answer, file);
}

/**
 * Upload an agency's evidence photo for the report ``reportKey`` (POST /agency/reports/{key}/evidence):
 * the upload is bound to that report and the officer's agency; resolves with the key for ``evidence_photo``.
 */
export async function uploadEvidence(file, reportKey, token) {
  const answer = await api(`/agency/reports/${encodeURIComponent(reportKey)}/evidence`, {
    method: "POST", body: { content_type: file.type || "image/jpeg", size: file.size }, token,
  });
  return postFile(answer, file);
}

async function postFile({ upload, key }, file) {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields || {})) form.append(name, value);
  form.append("file", file);
  let response;
  try {
    response = await fetch(upload.url, { method: "POST", body: form });
  } catch {
    throw new ApiError(0, "network", null);
  }
  // S3's 503 (SlowDown) asks to send again more slowly but says no Retry-After: 2 s (see ``patiently``)
  if (!response.ok) throw new ApiError(response.status, "upload_failed", null, null, response.status === 503 ? 2 : null);
  return key;
}
