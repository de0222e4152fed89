// How one answer is shown: its text with numbered citation markers, its sources, an
// abstention with its "see also" pointers, and what produced it (on demand).

import { h, money, ms, pairs } from "./dom.js";

const MARKER = /\[(\d+)\]/g;

// The answer without its markers: what a follow-up's history and an edit start from.
export function plain(text) {
  return text.replace(MARKER, "").replace(/[ \t]+/g, " ").replace(/ ([.,;:!?])/g, "$1").trim();
}

export function sourceLabel(c) {
  const title = c.title && c.title !== c.source ? `${c.title} — ` : "";
  return `${title}${c.source}${c.page !== null && c.page !== undefined ? `, page ${c.page}` : ""}`;
}

// The text as nodes, each [n] of a known citation a button that opens it.
export function cited(text, citations, open) {
  const byNumber = new Map(citations.map((c) => [c.n, c]));
  const nodes = [];
  let from = 0;
  for (const match of text.matchAll(MARKER)) {
    nodes.push(text.slice(from, match.index));
    const c = byNumber.get(Number(match[1]));
    nodes.push(c
      ? h("button", {
        type: "button", class: "cite", "aria-label": `Source ${c.n}: ${sourceLabel(c)}`,
        title: sourceLabel(c), onclick: () => open(c),
      }, String(c.n))
      : match[0]);
    from = match.index + match[0].length;
  }
  nodes.push(text.slice(from));
  return nodes;
}

export function sources(citations, open) {
  if (!citations.length) return null;
  return h("div", { class: "sources" },
    h("h4", {}, "Sources"),
    h("ol", {}, citations.map((c) => h("li", { value: c.n },
      h("button", { type: "button", class: "link", onclick: () => open(c) }, sourceLabel(c))))));
}

export function abstention(result) {
  const seeAlso = result.see_also || [];
  return h("div", { class: "abstention" },
    h("p", { class: "reason" }, result.reason || "The indexed documents do not answer this."),
    seeAlso.length
      ? h("div", { class: "see-also" },
        h("h4", {}, "See also"),
        h("p", { class: "hint" }, "The closest sources: pointers, not an answer."),
        h("ul", {}, seeAlso.map((s) => h("li", {}, s))))
      : null);
}

// A value of unknown shape (fields other services add) as one line of text.
function text(value) {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value !== "object") return String(value);
  return Object.entries(value).filter(([, v]) => v !== null && typeof v !== "object")
    .map(([k, v]) => `${k}: ${v}`).join(", ") || null;
}

function attempts(list) {
  if (!list || !list.length) return null;
  return h("ol", { class: "attempts" }, list.map((a) => h("li", {},
    `${a.provider} (${a.model}): ${a.status}, ${ms(a.ms)}, ${a.input_tokens}+${a.output_tokens}`
    + ` tokens, cost ${money(a.cost)}`)));
}

function guard(verdict) {
  if (!verdict) return null;
  const found = [];
  if (verdict.injection?.flagged) {
    found.push(`injection in the ${verdict.where || "question"} (${verdict.injection.reason}): ${verdict.action}`);
  }
  if (verdict.pii?.length) found.push(`personal data: ${verdict.pii.map((p) => p.type).join(", ")}`);
  const out = verdict.output;
  if (out?.withheld) found.push("answer withheld");
  if (out?.masked?.length) found.push(`masked: ${out.masked.join(", ")}`);
  return found.join("; ") || null;
}

// What produced the answer: index and prompt version, route, model, tokens, cost, time.
export function details(result) {
  const u = result.usage || {};
  const cache = result.cache;
  return pairs([
    ["Index version", result.version],
    ["Prompt version", text(result.prompt_version ?? result.prompt)],
    ["Route", text(result.route)],
    ["Model", u.model ? `${u.model} (${u.provider})` : null],
    ["Tokens", u.model ? `${u.input_tokens} in, ${u.output_tokens} out` : null],
    ["Cost", u.model ? money(u.cost) : null],
    ["Time", ms(result.timings_ms?.total)],
    ["Cache", cache ? (cache.hit ? `hit (${cache.kind})` : "miss") : null],
    ["Finish", result.finish_reason],
    ["Rewritten question", result.rewritten_question],
    ["Attempts", attempts(u.attempts)],
    ["Guard", guard(result.guard)],
    ["Request id", result.request_id],
  ], { class: "pairs details-list" });
}
