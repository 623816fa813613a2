// Optional photo upload through a presigned POST (POST /photos), shown only if the API has it.
import { api, ApiError } from "./api.js";
import config from "../config.js";

/** Whether the API offers POST /photos: a missing route answers 404 (or API Gateway's 403, or no CORS). */
export async function photosAvailable() {
  try {
    const response = await fetch(`${config.apiBase}/photos`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
    });
    return ![403, 404, 405].includes(response.status);
  } catch {
    return false;
  }
}

/** Upload ``file``; resolves with the photo key to put in the report. */
export async function uploadPhoto(file) {
  const { upload, key } = await api("/photos", {
    method: "POST", body: { content_type: file.type || "image/jpeg", size: file.size },
  });
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields || {})) form.append(name, value);
  form.append("file", file);
  let response;
  try {
    response = await fetch(upload.url, { method: "POST", body: form });
  } catch {
    throw new ApiError(0, "network", null);
  }
  if (!response.ok) throw new ApiError(response.status, "upload_failed", null);
  return key;
}
