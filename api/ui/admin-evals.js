// Eval reports (`lore eval`, LORE_HOME/evals/): the overall metrics against the baseline, the
// per-category chart and the worst questions.

import { action, api } from "./console.js";
import { fill, h } from "./dom.js";
import { empty, list, table } from "./table.js";

const number = (v) => (v === null || v === undefined ? "–" : v.toFixed(3));

function change(v) {
  if (v === null || v === undefined) return "–";
  return h("span", { class: v < 0 ? "delta-bad" : v > 0 ? "delta-good" : null }, `${v >= 0 ? "+" : ""}${v.toFixed(3)}`);
}

async function show(panel, id) {
  const [report, chart] = await Promise.all([api.get(`/evals/${encodeURIComponent(id)}`),
    api.blob(`/evals/${encodeURIComponent(id)}/chart`).catch(() => null)]);
  const base = report.baseline_overall || {};
  const metrics = Object.keys(report.overall || {});
  fill(panel,
    h("h3", { id: "eval-title", tabindex: "-1" }, `${report.version}${report.baseline ? ` vs ${report.baseline}` : ""}: ${report.questions} questions`),
    h("p", { class: "hint" }, `${report.eval_set} (${report.created_at})`),
    table("Overall metrics", [
      { label: "Metric", value: (m) => m },
      { label: report.version, value: (m) => number(report.overall[m]), num: true },
      { label: report.baseline || "baseline", value: (m) => number(base[m]), num: true },
      { label: "Change", value: (m) => change(report.delta?.[m]), num: true },
    ], metrics),
    chart ? h("img", { class: "chart", src: URL.createObjectURL(chart), alt: `Key metrics by category for ${report.version}${report.baseline ? ` against ${report.baseline}` : ""}` }) : "",
    h("h4", {}, "Worst questions"),
    list((report.worst || []).map((w) => `${w.id}: ${w.question} (score ${number(w.score)})`)));
  panel.querySelector("#eval-title").focus();
}

export async function load(root) {
  const reports = await api.get("/evals");
  const panel = h("div", { class: "card", "aria-live": "polite" }, empty("Pick a report to see its chart."));
  const key = ["hit@5", "context_recall", "answer_f1", "correct_abstention"];
  root.replaceChildren(reports.length ? table("Eval reports", [
    { label: "Report", value: (r) => action(h("button", { type: "button", class: "link" }, r.id), () => show(panel, r.id)) },
    { label: "Version", value: (r) => r.version || "" },
    { label: "Baseline", value: (r) => r.baseline || "" },
    { label: "Questions", value: (r) => r.questions ?? "", num: true },
    ...key.map((m) => ({ label: m, value: (r) => [number(r.overall[m]), " ", r.baseline ? change(r.delta[m]) : ""], num: true })),
  ], reports) : empty("No eval report yet: `lore eval --set data/eval.jsonl` writes one."), panel);
}
