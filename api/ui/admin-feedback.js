// The feedback queue: ratings with reasons, edits and comparisons, newest first; exported
// as the eval cases `lore feedback export` writes (JSONL for `lore eval --set`).

import { download } from "./client.js";
import { action, api, say } from "./console.js";
import { h, when } from "./dom.js";
import { empty, table } from "./table.js";

function compared(r) {
  if (r.better_than) return `better than ${r.better_than.slice(0, 12)}`;
  if (r.worse_than) return `worse than ${r.worse_than.slice(0, 12)}`;
  return "";
}

export async function load(root, reload) {
  const only = root.querySelector("#feedback-rating")?.value || "";
  const rows = await api.get(`/feedback${only ? `?rating=${only}` : ""}`);
  const rating = h("select", { id: "feedback-rating" },
    h("option", { value: "" }, "all"), h("option", { value: "down" }, "down-votes"),
    h("option", { value: "up" }, "up-votes"));
  rating.value = only;
  rating.addEventListener("change", reload);
  const exporter = action(h("button", { type: "button", id: "feedback-export" }, "Export as eval cases (JSONL)"), async () => {
    const cases = await api.blob("/feedback/export");
    download(cases, "feedback-cases.jsonl");
    say(`Exported ${(await cases.text()).split("\n").filter(Boolean).length} eval cases.`);
  });
  root.replaceChildren(
    h("div", { class: "filters" },
      h("div", { class: "field" }, h("label", { for: "feedback-rating" }, "Show"), rating), exporter),
    rows.length ? table("Feedback", [
      { label: "When", value: (r) => when(r.at) },
      { label: "Rating", value: (r) => r.rating || "" },
      { label: "Reason", value: (r) => r.reason || r.comment || "" },
      { label: "Question", value: (r) => r.question || "" },
      { label: "Answer", value: (r) => r.answer || "" },
      { label: "Edited answer", value: (r) => r.edited_answer || "" },
      { label: "Compared", value: compared },
      { label: "Version", value: (r) => r.version || "" },
      { label: "Sources", value: (r) => r.sources.join(", ") },
    ], rows) : empty("No feedback yet."));
}
