// One report in the console: content, deadlines, timeline, and the actions its status allows.
import { api, ApiError, errorText, newKey } from "./api.js";
import { el, fill, photo } from "./dom.js";
import { t } from "./i18n.js";
import { announce, showError } from "./layout.js";
import config from "../config.js";
import { categoryName, dateOnly, dateTime, deadline, provinceDate, statusBadge } from "./format.js";
import { badges } from "./inbox.js";
import { uploadEvidence } from "./photo.js";
import { timeline } from "./timeline.js";

// allowed_actions (state machine names) -> the API's action
const API_ACTION = { take: "take", estimate: "estimate", dispose: "forward", coordinate: "forward", refuse: "refuse",
  reject: "reject", resolve: "resolve", duplicate: "duplicate", unduplicate: "unduplicate" };
// which fields each action shows, and which it requires
const FIELDS = {
  take: { note: false },
  estimate: { date: true, note: false },
  forward: { agency: true, note: false },
  refuse: { note: true, agency: false },
  reject: { note: true },
  resolve: { note: true, evidence: true, evidencePhoto: false }, // evidence: text or a photo
  duplicate: { of: true, note: false }, // of: the original report's id, read as the API reads a path's
  unduplicate: { note: false }, // "Batalkan duplikat": offered where the API allows it (a coordinator's)
};

// A report of this province is refused to a named agency (here or in another province); one received from
// another province may go back to it with the field left empty.
function fieldsFor(action, view) {
  if (action !== "refuse" || view.escalated_from_other_province) return FIELDS[action];
  return { ...FIELDS.refuse, agency: true };
}

/** GET /agency/reports/{key}. */
export function fetchReport(session, key) {
  return api(`/agency/reports/${encodeURIComponent(key)}`, { token: session.token });
}

// Another report of this province, opened in the console (a merge's original or its duplicates)
const reportLink = (key) => el("a", { href: `#report=${encodeURIComponent(key)}`, text: key });

function facts(view, provinceNames) {
  const row = (key, ...value) => [el("dt", { text: t(key) }), el("dd", {}, ...value)];
  return el("dl", { class: "facts" },
    row("track.status", statusBadge(view.status)),
    row("track.category", categoryName(view.category)),
    row("track.area", (view.area.names || []).join(", ") || view.area.code),
    row("track.agency", view.agency ? view.agency.name : t("track.noAgency")),
    view.escalated_from_other_province
      ? row("console.origin", provinceNames[view.origin_province] || view.origin_province, ` · ${view.id}`) : null,
    view.duplicate_of ? row("console.duplicateOfRow", reportLink(view.duplicate_of)) : null,
    view.duplicates?.length ? row("console.duplicatesRow", view.duplicates.flatMap((key, n) =>
      [n ? ", " : null, reportLink(key)])) : null,
    row("track.created", dateTime(view.created_at)),
    view.location ? row("console.coordinates", `${view.location.lat}, ${view.location.lon}`) : null,
    row("console.version", String(view.version)));
}

// The target agency's hint: forward stays in this province; refuse may name another province's agency,
// and a report received from another province goes back there (never onward).
function agencyHint(action, view, provinceNames) {
  if (action === "forward") return t("console.forwardHint");
  if (!view.escalated_from_other_province) return t("console.toAgencyHint");
  const origin = view.origin_province;
  return t("console.refuseBackHint", { province: provinceNames[origin] || origin, code: origin });
}

function noActions(view, provinceNames) {
  if (view.escalated_to && !view.closed) { // handed over: read-only here until it comes back
    return t("console.handledElsewhere", { province: provinceNames[view.escalated_to] || view.escalated_to });
  }
  return t("console.noActions");
}

function actionForm(view, state, onDone, provinceNames) {
  const available = [...new Set((view.allowed_actions || []).map((a) => API_ACTION[a]).filter(Boolean))];
  if (!available.length) return el("p", { class: "hint", id: "no-actions", text: noActions(view, provinceNames) });
  const error = el("p", { class: "error", id: "action-error", role: "alert", tabindex: "-1", hidden: true });
  const reload = el("button", { type: "button", class: "secondary", id: "action-reload", hidden: true,
    text: t("console.reload"), onclick: () => onDone(null) });
  const field = (id, labelKey, control, hintKey, hintVars) => el("div", { class: "field", id: `${id}-field`, hidden: true },
    el("label", { for: id, text: t(labelKey) }),
    hintKey ? el("p", { class: "hint", id: `${id}-hint`, text: t(hintKey, hintVars) }) : null, control);
  const note = el("textarea", { id: "action-note", rows: "3", maxlength: "2000" });
  const evidence = el("input", { id: "action-evidence", maxlength: "500", "aria-describedby": "action-evidence-hint" });
  const agency = el("input", { id: "action-agency", maxlength: "51", "aria-describedby": "action-agency-hint",
    autocomplete: "off", spellcheck: "false" });
  // from today to the API's latest (config.js, from the API's rule), both in the province's time zone
  const latest = config.maxEstimateDays;
  const date = el("input", { id: "action-date", type: "date", min: provinceDate(),
    max: latest ? provinceDate(latest) : null, "aria-describedby": latest ? "action-date-hint" : null });
  const evidencePhoto = el("input", { id: "action-evidence-photo", type: "file", accept: "image/jpeg,image/png",
    "aria-describedby": "action-evidence-photo-hint" });
  const of = el("input", { id: "action-of", maxlength: "40", "aria-describedby": "action-of-hint",
    autocomplete: "off", spellcheck: "false" });
  const controls = { note, evidence, agency, date, evidencePhoto, of };
  const agencyField = field("action-agency", "console.toAgency", agency, "console.toAgencyHint");
  const agencyHintText = agencyField.querySelector("#action-agency-hint");
  const radios = available.map((action) => el("label", { class: "choice" },
    el("input", { type: "radio", name: "action", value: action, onchange: () => toggle(action) }),
    el("span", { text: t(`console.action.${action}`) })));
  function toggle(action) {
    for (const [name, control] of Object.entries(controls)) {
      const spec = fieldsFor(action, view);
      control.closest(".field").hidden = !(name in spec);
      control.required = Boolean(spec[name]);
    }
    agencyHintText.textContent = agencyHint(action, view, provinceNames);
  }
  async function submit(event) {
    event.preventDefault();
    const action = event.target.querySelector("input[name=action]:checked")?.value;
    if (!action) return showError(error, () => t("console.pickAction"));
    const file = "evidencePhoto" in FIELDS[action] ? evidencePhoto.files[0] : undefined;
    if (file && evidence.value.trim()) {
      evidence.focus();
      return showError(error, () => t("console.evidenceOneOf"));
    }
    const missing = Object.entries(fieldsFor(action, view))
      .filter(([name, required]) => required && !controls[name].value.trim() && !(name === "evidence" && file));
    if (missing.length) {
      controls[missing[0][0]].focus();
      return showError(error, () => t("console.fillRequired"));
    }
    if ("date" in FIELDS[action] && !date.checkValidity()) { // typed outside min..max
      date.focus();
      return showError(error, () => t("console.dateRange", { min: dateOnly(date.min), max: dateOnly(date.max) }));
    }
    const body = {};
    if (note.value.trim() && "note" in FIELDS[action]) body.note = note.value.trim();
    if (evidence.value.trim() && "evidence" in FIELDS[action]) body.evidence = evidence.value.trim();
    if (agency.value.trim() && "agency" in FIELDS[action]) body.to_agency = agency.value.trim();
    if (date.value && "date" in FIELDS[action]) body.estimated_completion = date.value;
    if (of.value.trim() && "of" in FIELDS[action]) body.of = of.value.trim();
    const button = event.target.querySelector("button[type=submit]");
    if (file) {
      button.disabled = true;
      try { // one upload per chosen file: a retry after a lost answer reuses it (and its Idempotency-Key)
        if (state.evidenceUpload?.file !== file || state.evidenceUpload.report !== view.key) {
          state.evidenceUpload = { file, report: view.key, key: await uploadEvidence(file, view.key, state.session.token) };
        }
        body.evidence_photo = state.evidenceUpload.key;
      } catch (failure) {
        button.disabled = false;
        return showError(error, () => errorText(failure));
      }
    }
    const attempt = `${view.key}:${view.version}:${action}:${JSON.stringify(body)}`;
    if (state.attempt !== attempt) Object.assign(state, { attempt, idempotencyKey: newKey() });
    button.disabled = true;
    try {
      await api(`/agency/reports/${encodeURIComponent(view.key)}/actions/${action}`, {
        method: "POST", body, token: state.session.token,
        headers: { "If-Match": String(view.version), "Idempotency-Key": state.idempotencyKey },
      });
      announce(t("console.actionDone", { action: t(`console.action.${action}`) }));
      onDone(action);
    } catch (failure) {
      button.disabled = false;
      showError(error, () => errorText(failure));
      reload.hidden = !(failure instanceof ApiError && failure.status === 409);
      error.focus();
    }
  }
  return el("form", { id: "action-form", novalidate: true, onsubmit: submit },
    el("fieldset", {}, el("legend", { text: t("console.chooseAction") }), radios),
    field("action-note", "console.note", note),
    field("action-evidence", "console.evidence", evidence, "console.evidenceHint"),
    field("action-evidence-photo", "console.evidencePhoto", evidencePhoto, "console.evidencePhotoHint"),
    agencyField,
    field("action-date", "console.estimatedCompletion", date, latest ? "console.estimatedCompletionHint" : null,
      { days: latest }),
    field("action-of", "console.duplicateOf", of, "console.duplicateOfHint"),
    error, reload,
    el("button", { type: "submit", class: "primary", text: t("console.submitAction") }));
}

/**
 * "Bukti meragukan": a coordinator accepts the unverified evidence of a resolve, or sends the report back
 * to the agency (Proses) with a reason. Shown only while the report's evidence is in doubt.
 */
function evidenceReview(view, state, onDone) {
  if (!view.evidence_in_doubt || state.session.role === "officer") return null;
  if (view.resolved_by_you) { // four eyes: another coordinator or admin reviews it
    return el("section", { class: "evidence-review", "aria-labelledby": "review-heading" },
      el("h3", { id: "review-heading", text: t("console.doubtful") }),
      el("p", { class: "hint", id: "review-own", text: t("console.reviewOwn") }));
  }
  const error = el("p", { class: "error", id: "review-error", role: "alert", tabindex: "-1", hidden: true });
  const reason = el("textarea", { id: "review-reason", rows: "2", maxlength: "2000" });
  async function send(action) {
    if (action === "reject_evidence" && !reason.value.trim()) {
      reason.focus();
      return showError(error, () => t("console.fillRequired"));
    }
    const body = reason.value.trim() ? { note: reason.value.trim() } : {};
    try {
      await api(`/agency/reports/${encodeURIComponent(view.key)}/actions/${action}`, {
        method: "POST", body, token: state.session.token,
        headers: { "If-Match": String(view.version), "Idempotency-Key": newKey() },
      });
      announce(t("console.actionDone", { action: t(`console.action.${action}`) }));
      onDone(action);
    } catch (failure) {
      showError(error, () => errorText(failure));
      error.focus();
    }
  }
  return el("section", { class: "evidence-review", "aria-labelledby": "review-heading" },
    el("h3", { id: "review-heading", text: t("console.doubtful") }),
    el("p", { class: "hint", text: t("console.reviewLead") }),
    el("div", { class: "field" }, el("label", { for: "review-reason", text: t("console.reviewReason") }), reason),
    error,
    el("button", { type: "button", class: "primary", id: "accept-evidence", text: t("console.action.accept_evidence"),
      onclick: () => send("accept_evidence") }),
    " ",
    el("button", { type: "button", class: "secondary", id: "reject-evidence", text: t("console.action.reject_evidence"),
      onclick: () => send("reject_evidence") }));
}

/** Draw ``view`` into ``container``. ``onDone(action|null)`` reloads after an action or on request. */
export function renderDetail(container, view, { state, provinceNames, onBack, onDone }) {
  const done = ["SELESAI", "DITOLAK"].includes(view.status.code) || view.closed;
  const coordinated = done || view.status.code === "PROSES";
  const heading = el("h2", { id: "detail-heading", tabindex: "-1", text: t("track.reportHeading", { id: view.id }) });
  fill(container,
    el("button", { type: "button", class: "secondary small", id: "back", text: t("console.back"), onclick: onBack }),
    heading,
    view.escalated_from_other_province ? el("p", { class: "notice escalated" },
      t("console.escalatedNotice", { province: provinceNames[view.origin_province] || view.origin_province })) : null,
    el("p", { class: "inbox-meta" }, badges(view, provinceNames)),
    facts(view, provinceNames),
    el("h3", { text: t("track.deadlines") }),
    el("ul", { class: "deadlines" }, [
      deadline("sla.coordinateBy", view.deadlines.coordinate_by, coordinated),
      deadline("sla.finishBy", view.deadlines.finish_by, done),
      view.deadlines.estimated_completion
        ? el("li", {}, `${t("sla.estimate")}: `, dateOnly(view.deadlines.estimated_completion)) : null,
    ]),
    el("h3", { text: t("track.description") }),
    el("p", { class: "description", text: view.description ?? "" }),
    view.address ? el("p", {}, `${t("track.address")}: `, view.address) : null,
    el("h3", { text: t("console.photos") }),
    (view.photos || []).length
      ? el("ul", { class: "photos" }, view.photos.map((p) => el("li", {}, photo(p, t("console.photoAlt")))))
      : el("p", { class: "hint", text: t("console.noPhotos") }),
    el("h3", { text: t("track.timeline") }),
    timeline(view.timeline, { estimate: view.deadlines.estimated_completion }),
    evidenceReview(view, state, onDone),
    el("section", { "aria-labelledby": "actions-heading" },
      el("h3", { id: "actions-heading", text: t("console.actions") }),
      actionForm(view, state, onDone, provinceNames)));
  return heading;
}
