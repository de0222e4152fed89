// Prompt versions, when the server has the /prompts routes (its OpenAPI document says): listed
// like index versions, with promote and rollback where the server offers them.

import { capabilities } from "./client.js";
import { action, api, say } from "./console.js";
import { h } from "./dom.js";
import { empty, table } from "./table.js";

const idOf = (row) => row.id ?? row.version ?? row.name;

function shown(value) {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

// The server's operation for `suffix` under /prompts/{id}, as a path with the id filled in.
function operation(paths, suffix) {
  const template = Object.keys(paths).find((p) => new RegExp(`^/prompts/\\{[^}]+\\}${suffix}$`).test(p));
  return template && paths[template].post ? (id) => template.replace(/\{[^}]+\}/, encodeURIComponent(id)) : null;
}

async function run(label, path, reload) {
  const { status, body } = await api.call("POST", path);
  say(status === 202 ? `${label}: filed for a second admin as approval ${body.id}.`
    : `${label}: done.`);
  await reload();
}

export async function load(root, reload) {
  const { paths } = await capabilities();
  if (!paths["/prompts"]?.get) {
    root.replaceChildren(empty("This server has no prompt-version routes (/prompts): the prompts "
      + "are the ones its code ships."));
    return;
  }
  const listed = await api.get("/prompts");
  const rows = Array.isArray(listed) ? listed : listed.prompts || listed.versions || [];
  const promote = operation(paths, "/promote");
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))]
    .filter((k) => rows.some((r) => r[k] !== null && typeof r[k] !== "object" && String(r[k]).length < 80));
  const columns = keys.map((k) => ({ label: k, value: (r) => shown(r[k]) }));
  if (promote) {
    columns.push({ label: "Actions", value: (r) => (r.active ? "" : action(
      h("button", { type: "button" }, `Promote prompt ${idOf(r)}`),
      () => run(`Promote prompt ${idOf(r)}`, promote(idOf(r)), reload))) });
  }
  const rollback = paths["/prompts/rollback"]?.post
    ? action(h("button", { type: "button" }, "Roll back the prompt"),
      () => run("Prompt rollback", "/prompts/rollback", reload)) : null;
  root.replaceChildren(h("div", { class: "actions" }, rollback),
    rows.length ? table("Prompt versions", columns, rows, (r) => (r.active ? "current" : null))
      : empty("No prompt versions yet."));
}
