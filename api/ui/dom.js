// Elements built from data. Every string goes in as a text node or an attribute value, never
// as markup: a document containing <script> shows as those characters (and the page's
// Trusted Types policy makes any HTML sink throw, should one ever slip in).

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  return append(el, children);
}

export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export function show(el, visible) {
  el.hidden = !visible;
  return el;
}

// A term/description list from [label, value] pairs; pairs with no value are left out.
export function pairs(rows, props = {}) {
  const list = h("dl", { class: "pairs", ...props });
  for (const [label, value] of rows) {
    if (value === null || value === undefined || value === "") continue;
    list.append(h("dt", {}, label), h("dd", {}, value));
  }
  return list;
}

export function when(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleString();
}

export function money(cost) {
  return cost ? cost.toFixed(6) : "0";
}

export function ms(value) {
  return value === null || value === undefined ? "" : `${Math.round(value)} ms`;
}
