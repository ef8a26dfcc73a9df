// Behaviour shared by every page. All scripts live in static files: the CSP forbids inline ones.
"use strict";

document.documentElement.classList.add("js");

function localizeTimes(root) {
  const lang = document.documentElement.lang || undefined;
  root.querySelectorAll("time[data-localize]").forEach((el) => {
    const when = new Date(el.getAttribute("datetime"));
    if (!Number.isNaN(when.getTime())) {
      el.textContent = when.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
    }
  });
}

// Skip logic: a question that depends on another one in the same form follows its answer live.
// (The server applies the same rule when it renders the page.)
function applySkipLogic(form) {
  form.querySelectorAll("[data-show-if-question]").forEach((question) => {
    const controller = form.elements.namedItem(question.dataset.showIfQuestion);
    if (!controller) {
      return; // Asked in another section: the server's rendering stands.
    }
    const wanted = question.dataset.showIfValues.split(" ");
    question.hidden = !wanted.includes(controller.value);
  });
}

// Autosave (htmx posts the form a moment after the last change; see section.html), its status
// line, and a warning before leaving the page with changes not yet saved.
function setUpAutosave(form) {
  let edits = 0;
  let editsSent = 0;
  let saved = 0;

  const status = () => document.getElementById("save-status");
  const say = (state, text) => {
    const el = status();
    el.dataset.state = state;
    el.textContent = text;
    return el;
  };

  form.addEventListener("input", () => {
    edits += 1;
  });
  form.addEventListener("submit", () => {
    saved = edits;
  });
  form.addEventListener("htmx:beforeRequest", () => {
    editsSent = edits;
    say("saving", form.dataset.msgSaving);
  });
  form.addEventListener("htmx:afterSwap", () => {
    localizeTimes(status());
    if (status().dataset.state === "saved") {
      saved = editsSent;
    }
  });
  const failed = (event) => {
    const locked = event.detail.xhr && event.detail.xhr.status === 403;
    const el = say("failed", locked ? form.dataset.msgLocked : `${form.dataset.msgFailed} — `);
    if (!locked) {
      const retry = document.createElement("button");
      retry.type = "button";
      retry.className = "btn btn-sm btn-outline-danger ms-1";
      retry.textContent = form.dataset.msgRetry;
      retry.addEventListener("click", () => window.htmx.trigger(form, "r2p-retry"));
      el.append(retry);
    }
  };
  form.addEventListener("htmx:responseError", failed);
  form.addEventListener("htmx:sendError", failed);
  window.addEventListener("beforeunload", (event) => {
    if (saved < edits) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  localizeTimes(document);
  const form = document.getElementById("section-form");
  if (form) {
    applySkipLogic(form);
    form.addEventListener("change", () => applySkipLogic(form));
    if (form.hasAttribute("data-autosave")) {
      setUpAutosave(form);
    }
  }
});
