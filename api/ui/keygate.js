// Asks for the API key when the server wants one (401, or 403 on an admin page) and retries.
// The key stays in this tab's sessionStorage: closing the tab forgets it.

import { ApiError, key } from "./client.js";
import { h } from "./dom.js";

let parts;
let pending = null; // one dialog for every call that was refused at the same time

function build() {
  const input = h("input", {
    id: "key-input", name: "key", type: "password", autocomplete: "off", spellcheck: "false",
    required: true, "aria-describedby": "key-message key-hint",
  });
  const message = h("p", { id: "key-message" });
  const form = h("form", { class: "stack" },
    h("h2", { id: "key-title" }, "API key"),
    message,
    h("label", { for: "key-input" }, "Key"),
    input,
    h("p", { id: "key-hint", class: "hint" },
      "Kept in this browser tab only and sent as a header, never in a URL."),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, "Use this key"),
      h("button", { type: "button", onclick: () => dialog.close("cancel") }, "Cancel")));
  const dialog = h("dialog", { id: "key-dialog", "aria-labelledby": "key-title" }, form);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    key.set(input.value.trim());
    input.value = "";
    dialog.close("saved");
  });
  document.body.append(dialog);
  return { dialog, message, input };
}

// Resolves true once a key is entered, false when the user cancels.
export function askKey(why) {
  if (pending) return pending;
  parts ??= build();
  parts.message.textContent = why;
  parts.dialog.returnValue = "";
  parts.dialog.showModal();
  parts.input.focus();
  pending = new Promise((resolve) => {
    parts.dialog.addEventListener("close", () => {
      pending = null;
      resolve(parts.dialog.returnValue === "saved");
    }, { once: true });
  });
  return pending;
}

// Runs `action`; when the server refuses the key, asks for one and runs it again.
export async function withKey(action, { admin = false } = {}) {
  for (;;) {
    try {
      return await action();
    } catch (error) {
      // A 403 asks for another key only when the role was wrong ("... needs an admin ...");
      // others are the server's word on the action (a second admin must approve it).
      const refused = error instanceof ApiError && (error.status === 401
        || (admin && error.status === 403 && /needs an admin/.test(error.detail)));
      if (!refused) throw error;
      const why = error.status === 401
        ? `This server needs an API key (${error.detail}).`
        : "This needs an admin key (LORE_ADMIN_KEYS).";
      if (!(await askKey(why))) throw error;
    }
  }
}
