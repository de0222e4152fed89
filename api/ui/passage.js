// The citation dialog: the quoted passage with its source, page and section, the whole
// chunk as indexed, and the original file when the server can send it safely.

import { sourceLabel } from "./answer.js";
import { blob, download, get } from "./client.js";
import { fill, h, pairs } from "./dom.js";

let parts;

function build() {
  const title = h("h2", { id: "passage-title" });
  const meta = h("div", { class: "meta" });
  const quote = h("blockquote", { class: "quote", id: "passage-quote" });
  const whole = h("div", { class: "whole" });
  const note = h("p", { class: "note", role: "status" });
  const actions = h("div", { class: "actions" });
  const close = h("button", { type: "button", class: "primary" }, "Close");
  const dialog = h("dialog", { id: "passage-dialog", "aria-labelledby": "passage-title" },
    h("div", { class: "stack" }, title, meta, h("h3", {}, "Quoted passage"), quote, whole, note,
      h("div", { class: "actions" }, actions, close)));
  close.addEventListener("click", () => dialog.close());
  document.body.append(dialog);
  return { dialog, title, meta, quote, whole, note, actions };
}

function describe(c, version, chunk) {
  return pairs([
    ["Source", c.source],
    ["Title", c.title && c.title !== c.source ? c.title : null],
    ["Page", c.page ?? null],
    ["Section", chunk ? chunk.section.join(" › ") || "(top of the document)" : "…"],
    ["Index version", version],
  ]);
}

function fileButton(chunk) {
  const name = chunk.source.split("/").pop();
  const button = h("button", { type: "button" }, `Download the original (${name})`);
  button.addEventListener("click", async () => {
    const url = `/chunks/${encodeURIComponent(chunk.chunk_id)}/file?version=${encodeURIComponent(chunk.version)}`;
    try {
      download(await blob(url), name);
    } catch (error) {
      parts.note.textContent = `The original could not be sent: ${error.message}`;
    }
  });
  return button;
}

export async function openCitation(c, version) {
  parts ??= build();
  const opener = document.activeElement;
  fill(parts.title, `[${c.n}] ${sourceLabel(c)}`);
  fill(parts.meta, describe(c, version, null));
  parts.quote.textContent = c.text;
  parts.whole.replaceChildren();
  parts.actions.replaceChildren();
  parts.note.textContent = "";
  parts.dialog.addEventListener("close", () => opener?.focus?.(), { once: true });
  parts.dialog.showModal();
  try {
    const chunk = await get(`/chunks/${encodeURIComponent(c.chunk_id)}?version=${encodeURIComponent(version)}`);
    fill(parts.meta, describe(c, version, chunk));
    if (chunk.text.trim() !== c.text.trim()) {
      fill(parts.whole, h("details", {},
        h("summary", {}, "The whole passage as indexed"), h("p", { class: "chunk" }, chunk.text)));
    }
    if (chunk.flag) parts.note.textContent = `Flagged at ingest: ${chunk.flag}`;
    if (chunk.file) parts.actions.append(fileButton(chunk));
  } catch (error) {
    parts.note.textContent = `Only the quote is available: ${error.message}`;
  }
}
