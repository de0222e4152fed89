// The operator console (/admin): one section at a time, chosen by the URL's #fragment.

import * as approvals from "./admin-approvals.js";
import * as evals from "./admin-evals.js";
import * as feedback from "./admin-feedback.js";
import * as prompts from "./admin-prompts.js";
import * as providers from "./admin-providers.js";
import * as runs from "./admin-runs.js";
import * as traces from "./admin-traces.js";
import * as versions from "./admin-versions.js";
import { api, oops } from "./console.js";
import { askKey } from "./keygate.js";

const SECTIONS = { versions, approvals, prompts, runs, traces, feedback, evals, providers };

async function open(name) {
  for (const link of document.querySelectorAll(".sections a")) {
    if (link.hash === `#${name}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  for (const id of Object.keys(SECTIONS)) document.getElementById(id).hidden = id !== name;
  const body = document.querySelector(`#${name} .body`);
  const reload = () => load(name, body);
  await reload();
}

async function load(name, body) {
  body.setAttribute("aria-busy", "true");
  try {
    await SECTIONS[name].load(body, () => load(name, body));
    badge((await api.get("/approvals?status=pending")).length);
  } catch (error) {
    oops(error);
  } finally {
    body.setAttribute("aria-busy", "false");
  }
}

function badge(count) {
  document.getElementById("approvals-count").textContent = count ? ` (${count} waiting)` : "";
}

function route() {
  const name = location.hash.slice(1);
  open(name in SECTIONS ? name : "versions");
}

document.getElementById("change-key").addEventListener("click", async () => {
  if (await askKey("Enter an admin key (LORE_ADMIN_KEYS).")) route();
});
window.addEventListener("hashchange", route);
route();
