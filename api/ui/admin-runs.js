// Recent ingest runs (LORE_HOME/runs/): outcome, what changed, and the files skipped,
// flagged by the document guard or warned about.

import { api } from "./console.js";
import { h } from "./dom.js";
import { empty, list, table } from "./table.js";

function counts(r) {
  const p = r.report;
  if (!p) return "";
  return `${p.files} files: ${p.new} new, ${p.changed} changed, ${p.deleted} deleted; ${p.chunks} chunks (${p.embedded} embedded)`;
}

function files(label, entries, describe) {
  if (!entries?.length) return "";
  return h("details", {}, h("summary", {}, `${entries.length} ${label}`), list(entries.map(describe)));
}

export async function load(root) {
  const runs = await api.get("/runs?limit=20");
  root.replaceChildren(runs.length ? table("Ingest runs", [
    { label: "Started", value: (r) => new Date(r.started_at).toLocaleString() },
    { label: "Outcome", value: (r) => h("span", { class: `badge ${r.outcome === "failed" ? "bad" : ""}` }, r.outcome) },
    { label: "Version", value: (r) => [r.version || "", r.promoted ? " (promoted)" : ""] },
    { label: "Root", value: (r) => r.root },
    { label: "Changes", value: counts },
    { label: "Skipped", value: (r) => files("skipped", r.report?.skipped, (s) => `${s.source}: ${s.reason}`) },
    { label: "Flagged", value: (r) => files("flagged", r.report?.flagged, (f) => `${f.source} (chunk ${f.position}): ${f.reason}`) },
    { label: "Warnings", value: (r) => files("warnings", r.report?.warnings, (w) => `${w.source}: ${w.warning}`) },
    { label: "Gate / error", value: (r) => r.error || r.gate || "" },
  ], runs) : empty("No ingest run recorded yet: `lore ingest PATH` records one."));
}
