// One question of the conversation and its answers: each streamed in as the model writes,
// then replaced by the verified answer; regenerated answers sit side by side to compare.

import { abstention, cited, details, plain, sources } from "./answer.js";
import { stream } from "./client.js";
import { fill, h, show } from "./dom.js";
import { feedbackTools, sendFeedback } from "./feedback.js";
import { withKey } from "./keygate.js";
import { openCitation } from "./passage.js";

class AnswerView {
  constructor(turn, number) {
    this.turn = turn;
    this.result = {};
    this.deltas = 0;
    this.draft = "";
    this.version = h("span", { class: "badge version-label" });
    this.state = h("span", { class: "badge state" });
    this.body = h("div", { class: "text draft" });
    this.status = h("p", { class: "status" }, "Searching the documents…");
    this.extra = h("div", { class: "extra" });
    this.el = h("section", {
      class: "answer", "aria-busy": "true", dataset: { state: "streaming" },
      "aria-label": `Answer ${number}`,
    }, h("h3", {}, number > 1 ? `Answer ${number}` : "Answer", " ", this.version, " ", this.state),
    this.body, this.status, this.extra);
  }

  get requestId() {
    return this.result.request_id;
  }

  get text() {
    return plain(this.result.answer || "");
  }

  on(name, data) {
    if (name === "delta") {
      this.deltas += 1;
      this.draft += data.text;
      this.body.textContent = this.draft;
      this.status.textContent = `Writing (${this.result.model || "model"})…`;
    } else if (name === "error" && data.error === "Failover") {
      this.status.textContent = `${data.provider} failed (${data.status}); another model continues…`;
    } else if (name === "error") {
      throw Object.assign(new Error(data.detail), { status: data.status });
    } else if (name === "usage") {
      this.result.usage = data;
    } else { // meta, citations, done: fields that newer servers add come along
      Object.assign(this.result, data);
      if (data.version) this.version.textContent = data.version;
    }
  }

  finish() {
    const r = this.result;
    const open = (c) => openCitation(c, r.version);
    this.el.dataset.deltas = String(this.deltas);
    this.el.dataset.version = r.version || "";
    this.el.dataset.requestId = r.request_id || "";
    this.el.classList.toggle("abstained", Boolean(r.abstained));
    this.state.textContent = r.abstained ? "no answer found" : r.cache?.hit ? "from cache" : "";
    show(this.state, Boolean(this.state.textContent));
    this.body.classList.remove("draft");
    fill(this.body, r.abstained ? r.answer : cited(r.answer || "", r.citations || [], open));
    this.status.textContent = r.finish_reason === "truncated"
      ? "The model stopped early: only the supported part of its answer is shown." : "";
    fill(this.extra,
      r.abstained ? abstention(r) : sources(r.citations || [], open),
      h("details", { class: "details" }, h("summary", {}, "Details"), details(r)),
      feedbackTools({ requestId: r.request_id, text: this.text, regenerate: () => this.turn.regenerate(this) }));
    this.settle("done");
  }

  fail(error) {
    const stopped = error.name === "AbortError";
    this.status.textContent = stopped ? "Stopped." : `No answer: ${error.message}`;
    this.status.setAttribute("role", stopped ? "status" : "alert");
    this.settle(stopped ? "stopped" : "error");
  }

  settle(state) {
    this.el.dataset.state = state;
    this.el.setAttribute("aria-busy", "false");
    this.turn.chat.answered(this);
  }
}

export class Turn {
  constructor(chat, question, history) {
    this.chat = chat;
    this.question = question;
    this.history = history; // as it was when asked: a regenerated answer sees the same
    this.answers = [];
    this.list = h("div", { class: "answers" });
    this.compare = h("div", { class: "compare", hidden: true });
    this.el = h("article", { class: "turn" },
      h("h2", { class: "question" }, h("span", { class: "who" }, "You asked"), " ", question),
      this.list, this.compare);
  }

  // The answer a follow-up's history carries: the last one that finished.
  get settled() {
    return [...this.answers].reverse().find((a) => a.el.dataset.state === "done") || null;
  }

  async ask(regenerateOf = null) {
    const view = new AnswerView(this, this.answers.length + 1);
    this.answers.push(view);
    this.list.append(view.el);
    const body = await this.chat.request(this.question, this.history, regenerateOf);
    const controller = this.chat.started(view);
    try {
      await withKey(() => stream("/ask", body, (name, data) => {
        if (name === "whole") view.on("meta", data); // a server that answered in one piece
        else view.on(name, data);
      }, controller.signal));
      if (typeof view.result.answer !== "string") throw new Error("the stream ended early");
      view.finish();
    } catch (error) {
      view.fail(error);
    }
    this.offerComparison();
  }

  regenerate(view) {
    if (!this.chat.busy) this.ask(view.requestId);
  }

  offerComparison() {
    const done = this.answers.filter((a) => a.el.dataset.state === "done");
    if (done.length < 2) return;
    const status = h("p", { role: "status" });
    const choose = (winner) => async () => {
      try {
        for (const other of done.filter((a) => a !== winner)) {
          await sendFeedback({ request_id: winner.requestId, better_than: other.requestId });
        }
        status.textContent = `Thanks: answer ${this.answers.indexOf(winner) + 1} is marked better.`;
      } catch (error) {
        status.textContent = `Not saved: ${error.message}`;
      }
    };
    fill(this.compare, h("div", { class: "toolbar", role: "group", "aria-label": "Compare the answers" },
      h("span", {}, "Which answer is better?"),
      done.map((a) => h("button", { type: "button", onclick: choose(a) },
        `Answer ${this.answers.indexOf(a) + 1}`))), status);
    show(this.compare, true);
  }
}
