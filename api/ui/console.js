// What every console section shares: admin calls that ask for an admin key when refused,
// and the page's status and error lines.

import { blob, call, get } from "./client.js";
import { withKey } from "./keygate.js";

const admin = { admin: true };

export const api = {
  get: (path) => withKey(() => get(path), admin),
  call: (method, path, body) => withKey(() => call(method, path, body), admin),
  blob: (path) => withKey(() => blob(path), admin),
};

export function say(text) {
  document.getElementById("error").textContent = "";
  document.getElementById("status").textContent = text;
}

export function oops(error) {
  document.getElementById("status").textContent = "";
  document.getElementById("error").textContent = error.detail
    ? `${error.error}: ${error.detail}` : String(error.message || error);
}

// A Promise-returning action bound to a button: disabled while it runs, errors reported.
export function action(button, run) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await run();
    } catch (error) {
      oops(error);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
