// Sensitive actions waiting for a second admin (forced promotions, rollbacks past several
// versions, deletions): approve or reject; the decided ones stay as the audit trail.

import { action, api, say } from "./console.js";
import { h } from "./dom.js";
import { empty, table } from "./table.js";

function params(a) {
  return Object.entries(a.params).filter(([, v]) => v !== null).map(([k, v]) => `${k} ${v}`).join(", ");
}

function decide(a, verb, reload) {
  const button = h("button", { type: "button", class: verb === "approve" ? "primary" : "danger" },
    `${verb === "approve" ? "Approve" : "Reject"} ${a.action.replaceAll("_", " ")} ${params(a)}`);
  return action(button, async () => {
    const { body } = await api.call("POST", `/approvals/${encodeURIComponent(a.id)}/${verb}`);
    say(`Approval ${body.id} ${body.status}${body.result ? `: ${body.result}` : ""}.`);
    await reload();
  });
}

function pendingCard(a, reload) {
  return h("div", { class: "card stack", dataset: { approval: a.id } },
    h("h3", {}, `${a.action.replaceAll("_", " ")}: ${params(a)}`),
    h("p", {}, a.reason),
    h("p", { class: "hint" }, `Requested ${new Date(a.requested_at).toLocaleString()} by key ${a.requested_by.slice(0, 12)}…; `
      + "a different admin key must decide."),
    h("div", { class: "actions" }, decide(a, "approve", reload), decide(a, "reject", reload)));
}

export async function load(root, reload) {
  const all = await api.get("/approvals");
  const pending = all.filter((a) => a.status === "pending");
  const decided = all.filter((a) => a.status !== "pending").reverse();
  root.replaceChildren(
    h("h3", {}, "Waiting"),
    pending.length ? h("div", { class: "cards" }, pending.map((a) => pendingCard(a, reload)))
      : empty("Nothing waits for a second admin."),
    h("h3", {}, "Decided"),
    decided.length ? table("Decided approvals", [
      { label: "Action", value: (a) => a.action },
      { label: "Parameters", value: params },
      { label: "Status", value: (a) => a.status },
      { label: "Requested", value: (a) => new Date(a.requested_at).toLocaleString() },
      { label: "Decided", value: (a) => (a.decided_at ? new Date(a.decided_at).toLocaleString() : "") },
      { label: "Result", value: (a) => a.result || "" },
    ], decided) : empty("No decision yet."));
}
