// Tables for the console: columns as {label, value(row) -> text or node, num}.

import { h } from "./dom.js";

// `rowClass(row)`: a class for the row; `rowKey(row)`: its data-key (what tests find it by).
export function table(caption, columns, rows, rowClass = () => null, rowKey = () => null) {
  const head = h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : null }, c.label)));
  const body = rows.map((row) => h("tr", { class: rowClass(row), "data-key": rowKey(row) },
    columns.map((c) => h("td", { class: c.num ? "num" : null }, c.value(row)))));
  // A focusable region: a keyboard can scroll a wide table on a narrow screen.
  return h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": `${caption} table` },
    h("table", {}, h("caption", { class: "sr-only" }, caption), h("thead", {}, head), h("tbody", {}, body)));
}

export function empty(text) {
  return h("p", { class: "hint" }, text);
}

export function list(items) {
  return items.length ? h("ul", {}, items.map((i) => h("li", {}, i))) : "";
}
