// Recent requests (filters as `lore traces` has them) and one request's timeline: every
// step with its time and attributes, the model attempts, tokens and cost, the guards'
// verdicts and whether the cache answered.

import { action, api } from "./console.js";
import { fill, h, money, ms, pairs, when } from "./dom.js";
import { empty, table } from "./table.js";

function attrs(a) {
  return Object.entries(a).map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : v}`).join("  ");
}

// Spans whose name says what they are about: guard_in, guard_out, cache_read...
function about(spans, word) {
  return spans.filter((s) => s.name.includes(word) && Object.keys(s.attributes).length)
    .map((s) => `${s.name}: ${attrs(s.attributes)}`);
}

function timeline(spans) {
  const root = spans[0];
  const start = Date.parse(root.start);
  const total = Math.max(root.duration_ms, 1e-3);
  const depth = [];
  return h("div", { class: "timeline", role: "list", "aria-label": "Steps" }, spans.map((s, i) => {
    depth[i] = s.parent === null ? 0 : depth[s.parent] + 1;
    const fillBar = h("div", { class: "fill" });
    // CSSOM custom properties, not a style attribute: the page's CSP allows no inline style.
    fillBar.style.setProperty("--from", `${Math.min(100, ((Date.parse(s.start) - start) / total) * 100)}%`);
    fillBar.style.setProperty("--width", `${Math.min(100, (s.duration_ms / total) * 100)}%`);
    const row = h("div", { class: "span", role: "listitem", dataset: { span: s.name } },
      h("span", { class: "name" }, s.name), h("div", { class: "track", "aria-hidden": "true" }, fillBar),
      h("span", { class: "num" }, `${s.duration_ms.toFixed(1)} ms`),
      Object.keys(s.attributes).length ? h("span", { class: "attrs" }, attrs(s.attributes)) : null);
    row.style.setProperty("--depth", depth[i]);
    return row;
  }));
}

function attempts(usage) {
  if (!usage?.attempts?.length) return empty("No model call: the extractive answerer or the cache answered.");
  return table("Model attempts", [
    { label: "Provider", value: (a) => a.provider },
    { label: "Model", value: (a) => a.model },
    { label: "Status", value: (a) => a.status },
    { label: "Time", value: (a) => ms(a.ms), num: true },
    { label: "Tokens in", value: (a) => a.input_tokens, num: true },
    { label: "Tokens out", value: (a) => a.output_tokens, num: true },
    { label: "Cost", value: (a) => money(a.cost), num: true },
  ], usage.attempts);
}

export async function show(panel, id) {
  const t = await api.get(`/traces/${encodeURIComponent(id)}`);
  const a = t.attributes;
  const replay = a.replay || {};
  const guards = about(t.spans, "guard");
  const cache = about(t.spans, "cache");
  fill(panel,
    h("h3", { id: "trace-title", tabindex: "-1" }, `Request ${t.request_id} (${t.flow})`),
    pairs([
      ["Outcome", a.outcome], ["Index version", a.version], ["Model", a.model],
      ["Tokens", a.tokens ?? null], ["Cost", a.cost !== undefined ? money(a.cost) : null],
      ["Error", a.error], ["Question", replay.question],
      ["Standalone question", replay.standalone !== replay.question ? replay.standalone : null],
      ["Answer", replay.answer], ["Finish", replay.finish_reason],
      ["Cache", cache.join("; ") || null], ["Guards", guards.length ? h("ul", {}, guards.map((g) => h("li", {}, g))) : null],
    ]),
    h("h4", {}, "Attempts"), attempts(replay.usage),
    h("h4", {}, "Timeline"), timeline(t.spans));
  panel.querySelector("#trace-title").focus();
}

function filters(root, reload) {
  const field = (id, label, props) => h("div", { class: "field" }, h("label", { for: id }, label),
    h("input", { id, name: id, ...props }));
  const check = (id, label) => h("div", { class: "field check" },
    h("input", { id, name: id, type: "checkbox" }), h("label", { for: id }, label));
  const form = h("form", { class: "filters", id: "trace-filters" },
    field("slow_ms", "At least (ms)", { type: "number", min: 0, step: "any" }),
    field("min_cost", "Costing at least", { type: "number", min: 0, step: "any" }),
    check("abstained", "Abstained"), check("flagged", "Flagged by a guard"),
    field("limit", "Show", { type: "number", min: 1, max: 1000, value: 50 }),
    h("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    reload();
  });
  return form;
}

function query(root) {
  const form = root.querySelector("#trace-filters");
  const q = new URLSearchParams();
  for (const name of ["slow_ms", "min_cost", "limit"]) {
    if (form?.elements[name].value) q.set(name, form.elements[name].value);
  }
  for (const name of ["abstained", "flagged"]) if (form?.elements[name].checked) q.set(name, "true");
  return q.toString();
}

export async function load(root, reload) {
  const form = root.querySelector("#trace-filters") || filters(root, reload);
  const rows = await api.get(`/traces?${query(root)}`);
  const panel = root.querySelector(".trace") || h("div", { class: "trace card", "aria-live": "polite" }, empty("Pick a request to see its timeline."));
  const open = (r) => action(h("button", { type: "button", class: "link", "aria-label": `Timeline of request ${r.id}` }, r.id.slice(0, 12)),
    () => show(panel, r.id));
  root.replaceChildren(form, rows.length ? table("Recent requests", [
    { label: "Request", value: open },
    { label: "When", value: (r) => when(r.at) },
    { label: "Flow", value: (r) => r.flow },
    { label: "Time", value: (r) => ms(r.ms), num: true },
    { label: "Version", value: (r) => r.version || "" },
    { label: "Abstained", value: (r) => (r.abstained ? "yes" : "") },
    { label: "Flagged", value: (r) => (r.flagged ? "yes" : "") },
    { label: "Tokens", value: (r) => r.tokens, num: true },
    { label: "Cost", value: (r) => money(r.cost), num: true },
    { label: "Error", value: (r) => r.error || "" },
  ], rows) : empty("No request matches."), panel);
}
