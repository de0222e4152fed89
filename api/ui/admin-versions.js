// Index versions: status, size, gate verdict and metric deltas, canary share, serving stats
// and feedback; promote, canary N%, rollback and delete, through the two-admin approvals.

import { action, api, oops, say } from "./console.js";
import { h } from "./dom.js";
import { empty, table } from "./table.js";

// The gate's verdict in one line, as `lore versions` prints it (evaluation/gate.py label).
export function verdict(gate) {
  if (!gate) return "";
  if (gate.passed) return gate.baseline ? `pass vs ${gate.baseline}` : "pass (first)";
  return `${gate.forced ? "forced" : "fail"}: ${(gate.reasons || []).join("; ")}`;
}

// Candidate minus baseline for every metric both measured; lower-is-better ones are named so.
export function deltas(gate) {
  if (!gate?.baseline_metrics) return "";
  const rows = [];
  for (const [metric, value] of Object.entries(gate.candidate_metrics || {})) {
    const base = gate.baseline_metrics[metric];
    if (value === null || base === null || base === undefined) continue;
    const change = value - base;
    const regressed = (gate.regressions || []).some((r) => r.metric === metric);
    rows.push(h("li", { class: regressed ? "delta-bad" : null },
      `${metric} ${change >= 0 ? "+" : ""}${change.toFixed(3)}`));
  }
  return rows.length ? h("ul", { class: "deltas" }, rows) : "";
}

function serving(v) {
  const s = v.serving;
  if (!s) return "";
  return `${s.requests} requests, ${Math.round(s.abstention_rate * 100)}% abstained, p50 ${Math.round(s.p50_ms)} ms`;
}

function feedback(v) {
  const f = v.feedback;
  return f ? `${f.up} up, ${f.down} down, ${f.edits} edits, ${f.comparisons} compared` : "";
}

function labels(v) {
  return [v.id, v.active ? h("span", { class: "badge ok" }, "serving") : null,
    v.canary_percent ? h("span", { class: "badge" }, `canary ${v.canary_percent}%`) : null];
}

async function run(label, method, path, reload) {
  const { status, body } = await api.call(method, path);
  if (status === 202) {
    say(`${label}: filed for a second admin as approval ${body.id} (${body.reason}). See Approvals.`);
  } else {
    say(`${label}: done, ${body.id} is ${body.status ?? "deleted"}.`);
  }
  await reload();
}

function promoteButtons(v, reload) {
  const percent = h("input", {
    type: "number", min: 1, max: 99, value: 10, id: `canary-${v.id}`, class: "percent",
    "aria-label": `Canary share for ${v.id}, percent`,
  });
  const promote = h("button", { type: "button", class: "primary" }, v.canary_percent ? `Promote ${v.id} fully` : `Promote ${v.id}`);
  const canary = h("button", { type: "button" }, `Canary ${v.id}`);
  const remove = h("button", { type: "button", class: "danger" }, `Delete ${v.id}`);
  const force = async () => run(`Force-promote ${v.id}`, "POST", `/versions/${v.id}/promote?force=true`, reload);
  action(promote, async () => {
    try {
      await run(`Promote ${v.id}`, "POST", `/versions/${v.id}/promote`, reload);
    } catch (error) {
      if (error.status !== 409 || !/regress/.test(error.detail)) throw error;
      oops(error);
      document.getElementById("status").append(action(
        h("button", { type: "button", class: "danger" }, `Promote ${v.id} anyway (force)`), force));
    }
  });
  action(canary, () => run(`Canary ${v.id} at ${percent.value}%`, "POST",
    `/versions/${v.id}/promote?canary=${encodeURIComponent(percent.value)}`, reload));
  // Deleting cannot be undone: the first press asks, the second does it.
  let armed = false;
  action(remove, async () => {
    if (!armed) {
      armed = true;
      remove.textContent = `Confirm: delete ${v.id}`;
      return;
    }
    await run(`Delete ${v.id}`, "DELETE", `/versions/${v.id}`, reload);
  });
  return h("div", { class: "actions" }, promote,
    h("span", { class: "canary" }, canary, "at", percent, "%"), v.canary_percent ? null : remove);
}

function rollbackBar(versions, reload) {
  const earlier = versions.filter((v) => v.status === "retired");
  const to = h("select", { id: "rollback-to" },
    h("option", { value: "" }, "the previous version"),
    earlier.map((v) => h("option", { value: v.id }, v.id)));
  const button = h("button", { type: "button", id: "rollback" }, "Roll back");
  action(button, () => run("Rollback", "POST",
    `/versions/rollback${to.value ? `?to=${encodeURIComponent(to.value)}` : ""}`, reload));
  const refresh = action(h("button", { type: "button" }, "Refresh"), reload);
  return h("div", { class: "filters" },
    h("div", { class: "field" }, h("label", { for: "rollback-to" }, "Roll back to"), to),
    button, refresh);
}

export async function load(root, reload) {
  const [versions, pending] = await Promise.all([api.get("/versions"),
    api.get("/approvals?status=pending")]);
  const columns = [
    { label: "Version", value: labels },
    { label: "Status", value: (v) => v.status },
    { label: "Documents", value: (v) => v.documents, num: true },
    { label: "Chunks", value: (v) => v.chunks, num: true },
    { label: "Created", value: (v) => new Date(v.created_at).toLocaleString() },
    { label: "Gate", value: (v) => verdict(v.eval?.gate) },
    { label: "Metric deltas", value: (v) => deltas(v.eval?.gate) },
    { label: "Serving", value: serving },
    { label: "Feedback", value: feedback },
    { label: "Actions", value: (v) => (v.active || !["ready", "retired"].includes(v.status) ? "" : promoteButtons(v, reload)) },
  ];
  root.replaceChildren(
    rollbackBar(versions, reload),
    pending.length
      ? h("p", { class: "note" }, `${pending.length} request(s) wait for a second admin: see `,
        h("a", { href: "#approvals" }, "Approvals"), ".")
      : "",
    versions.length ? table("Index versions", columns, versions,
      (v) => (v.active ? "current" : null), (v) => v.id)
      : empty("No index version yet: run `lore ingest PATH --promote`."));
}
