// The HTTP API as the pages call it: the key from sessionStorage as X-API-Key (never in a
// URL), errors as ApiError({error, detail}), /ask streams read as server-sent events.

const KEY = "lore.key";

export const key = {
  get: () => sessionStorage.getItem(KEY) || "",
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, error, detail) {
    super(detail || error);
    this.status = status;
    this.error = error;
    this.detail = detail;
  }
}

function headers(extra = {}) {
  const k = key.get();
  return { ...(k ? { "X-API-Key": k } : {}), ...extra };
}

async function failure(res) {
  let body = {};
  try {
    body = await res.json();
  } catch {
    // not JSON: a proxy's page; the status says enough
  }
  return new ApiError(res.status, body.error || `HTTP ${res.status}`, body.detail || res.statusText);
}

async function send(method, path, body) {
  const init = { method, headers: headers(), cache: "no-store", credentials: "omit" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (!res.ok) throw await failure(res);
  return res;
}

export async function call(method, path, body) {
  const res = await send(method, path, body);
  return { status: res.status, body: await res.json() };
}

export const get = async (path) => (await call("GET", path)).body;
export const post = async (path, body) => (await call("POST", path, body)).body;
export const blob = async (path) => (await send("GET", path)).blob();

// One server-sent event block ("event: x\ndata: {...}") as {name, data}.
export function parseEvent(block) {
  let name = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) name = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  return data.length ? { name, data: JSON.parse(data.join("\n")) } : null;
}

// POSTs `body` and calls onEvent(name, data) for every event as it arrives. EventSource
// cannot POST or send a key header, so the stream is read from fetch's body.
export async function stream(path, body, onEvent, signal) {
  const res = await fetch(path, {
    method: "POST", signal, cache: "no-store", credentials: "omit",
    headers: headers({ "Content-Type": "application/json", Accept: "text/event-stream" }),
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  if (!(res.headers.get("content-type") || "").startsWith("text/event-stream")) {
    onEvent("whole", await res.json());
    return;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replaceAll("\r\n", "\n");
    for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
      const event = parseEvent(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      if (event) onEvent(event.name, event.data);
    }
  }
}

// What this server offers beyond the core API, from its OpenAPI document: optional /ask
// fields (regenerate_of) and optional routes (/prompts...), so the pages adapt to the server.
let offered;
export function capabilities() {
  offered ??= fetch("/openapi.json", { cache: "no-store" })
    .then((res) => (res.ok ? res.json() : {}))
    .then((doc) => ({
      paths: doc.paths || {},
      ask: new Set(Object.keys(doc.components?.schemas?.AskRequest?.properties || {})),
    }))
    .catch(() => ({ paths: {}, ask: new Set() }));
  return offered;
}

export function download(data, filename) {
  const url = URL.createObjectURL(data);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
