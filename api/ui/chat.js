// The chat page (/): ask, follow up, read the cited passages, rate and compare answers.

import { capabilities } from "./client.js";
import { askKey } from "./keygate.js";
import { Turn } from "./turn.js";

// Exchanges sent as history: 25 questions and answers are the API's 50 turns at most.
const MAX_EXCHANGES = 25;
// How often the header re-reads which index version serves (a promote shows within this).
const SERVING_POLL_MS = 15_000;

function randomId() {
  // getRandomValues works on plain http too, where crypto.randomUUID does not.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

class Chat {
  constructor() {
    for (const id of ["log", "ask", "question", "send", "stop", "serving", "intro", "new-chat", "change-key"]) {
      this[id.replace(/-./g, (m) => m[1].toUpperCase())] = document.getElementById(id);
    }
    this.turns = [];
    this.controller = null;
    this.conversation = randomId();
    this.ask.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.question.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.stop.addEventListener("click", () => this.controller?.abort());
    this.newChat.addEventListener("click", () => this.reset());
    this.changeKey.addEventListener("click", () => askKey("Enter the API key to use."));
    this.refreshServing();
    setInterval(() => this.refreshServing(), SERVING_POLL_MS);
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.refreshServing();
    });
  }

  get busy() {
    return this.controller !== null;
  }

  // The conversation so far, oldest first: each question with the answer it settled on.
  history() {
    return this.turns.filter((t) => t.settled).slice(-MAX_EXCHANGES).flatMap((t) => [
      { role: "user", content: t.question },
      { role: "assistant", content: t.settled.text },
    ]);
  }

  async request(question, history, regenerateOf) {
    const body = { question, history, conversation_id: this.conversation, stream: true };
    if (regenerateOf && (await capabilities()).ask.has("regenerate_of")) {
      body.regenerate_of = regenerateOf;
    }
    return body;
  }

  started() {
    this.controller = new AbortController();
    this.send.disabled = true;
    this.stop.hidden = false;
    return this.controller;
  }

  answered() {
    this.controller = null;
    this.send.disabled = false;
    this.stop.hidden = true;
    this.refreshServing();
  }

  submit() {
    const question = this.question.value.trim();
    if (!question || this.busy) return;
    this.intro.hidden = true;
    const turn = new Turn(this, question, this.history());
    this.turns.push(turn);
    this.log.append(turn.el);
    this.question.value = "";
    turn.ask();
    turn.el.scrollIntoView({ block: "start" });
  }

  reset() {
    this.controller?.abort();
    this.turns = [];
    this.conversation = randomId();
    this.log.replaceChildren();
    this.intro.hidden = false;
    this.question.focus();
  }

  async refreshServing() {
    try {
      const res = await fetch("/readyz", { cache: "no-store" });
      const body = await res.json();
      this.serving.dataset.version = body.version || "";
      this.serving.textContent = body.version
        ? `Index ${body.version}${body.status === "degraded" ? " (degraded)" : ""}`
        : "Not ready: no index version serves yet";
    } catch {
      this.serving.textContent = "Server unreachable";
    }
  }
}

new Chat();
