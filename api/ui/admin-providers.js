// The model chain and its circuit breakers, as GET /readyz reports them.

import { h, pairs } from "./dom.js";
import { empty, table } from "./table.js";

export async function load(root) {
  const res = await fetch("/readyz", { cache: "no-store" });
  const ready = await res.json();
  const providers = ready.providers || [];
  root.replaceChildren(
    pairs([["Readiness", ready.status], ["Serving", ready.version], ["Detail", ready.detail],
      ["Degraded", ready.degraded ? `${ready.degraded.version}: ${ready.degraded.reason}` : null]]),
    providers.length ? table("Providers", [
      { label: "Name", value: (p) => p.name },
      { label: "Model", value: (p) => p.model },
      { label: "Address", value: (p) => p.address || "" },
      { label: "Breaker", value: (p) => (p.breaker ? h("span", { class: `badge ${p.breaker === "closed" ? "ok" : "bad"}` }, p.breaker) : "n/a") },
      { label: "Failures in a row", value: (p) => p.failures, num: true },
      { label: "Last error", value: (p) => p.last_error || "" },
      { label: "Probe in", value: (p) => (p.retry_in ? `${p.retry_in} s` : ""), num: true },
    ], providers) : empty("No LORE_PROVIDERS file: the extractive answerer writes every answer."));
}
