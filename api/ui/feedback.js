// Rating, editing and regenerating one answer; everything goes to POST /feedback with the
// answer's request id (and is exported as eval cases by `lore feedback export`).

import { post } from "./client.js";
import { h, show } from "./dom.js";
import { withKey } from "./keygate.js";

let forms = 0; // ids for the labels of each answer's form

export function sendFeedback(body) {
  return withKey(() => post("/feedback", body));
}

// `answer`: {requestId, text (plain), regenerate()}.
export function feedbackTools(answer) {
  const id = ++forms;
  const up = h("button", { type: "button", class: "rate", "aria-pressed": "false" }, "Helpful");
  const down = h("button", { type: "button", class: "rate", "aria-pressed": "false" }, "Not helpful");
  const edit = h("button", { type: "button" }, "Edit answer");
  const again = h("button", { type: "button" }, "Regenerate");
  const reason = h("input", { id: `reason-${id}`, name: "reason", maxlength: 2000, autocomplete: "off" });
  const edited = h("textarea", { id: `edit-${id}`, name: "edited_answer", rows: 4, maxlength: 16000 });
  const heading = h("p", { class: "rated" });
  const status = h("p", { class: "sent", role: "status" });
  const form = h("form", { class: "feedback-form stack", hidden: true },
    heading,
    h("label", { for: `reason-${id}` }, "Why? (optional)"), reason,
    h("label", { for: `edit-${id}` }, "Corrected answer (optional)"), edited,
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, "Send feedback"),
      h("button", { type: "button", onclick: () => show(form, false) }, "Cancel")));
  let rating = null;

  const open = (chosen, prefill) => {
    rating = chosen;
    up.setAttribute("aria-pressed", String(chosen === "up"));
    down.setAttribute("aria-pressed", String(chosen === "down"));
    heading.textContent = chosen === "up" ? "Rated helpful." : chosen === "down"
      ? "Rated not helpful." : "Edit the answer as it should read.";
    edited.value = prefill ? answer.text : edited.value;
    status.textContent = "";
    show(form, true);
    (prefill ? edited : reason).focus();
  };
  up.addEventListener("click", () => open("up", false));
  down.addEventListener("click", () => open("down", false));
  edit.addEventListener("click", () => open(rating, true));
  again.addEventListener("click", () => answer.regenerate());

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { request_id: answer.requestId };
    if (rating) body.rating = rating;
    if (reason.value.trim()) body.reason = reason.value.trim();
    if (edited.value.trim() && edited.value.trim() !== answer.text) body.edited_answer = edited.value.trim();
    if (Object.keys(body).length === 1) {
      status.textContent = "Rate the answer, say why, or edit it first.";
      return;
    }
    try {
      await sendFeedback(body);
      status.textContent = "Thanks: your feedback is saved.";
      show(form, false);
    } catch (error) {
      status.textContent = `Not saved: ${error.message}`;
    }
  });
  return h("div", { class: "feedback" },
    h("div", { class: "toolbar", role: "group", "aria-label": "Feedback on this answer" },
      up, down, edit, again),
    form, status);
}
