// The 1–5 rating of a report's handling, one fieldset wherever it is asked (the tracking page's
// confirm form, a message's feedback link): lowest first, in reading order, as the numbers run.
import { el } from "./dom.js";
import { t } from "./i18n.js";

export const RATINGS = [1, 2, 3, 4, 5];

/** The rating's fieldset (radios named "rating"); its words follow a language switch (data-i18n). */
export function ratingChoices({ required = false } = {}) {
  return el("fieldset", { class: "rating" },
    el("legend", { "data-i18n": "track.rateLegend", text: t("track.rateLegend") }),
    RATINGS.map((n) => el("label", { class: "choice" },
      el("input", { type: "radio", name: "rating", value: String(n), required }),
      el("span", { "data-i18n": `track.rate${n}`, text: t(`track.rate${n}`) }))));
}
