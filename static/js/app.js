// Behaviour shared by every page. All scripts live in static files: the CSP forbids inline ones.
"use strict";

document.documentElement.classList.add("js");

// The browser's time zone, for the server to show times in when the person chose none.
(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split("; ").includes(`r2p_tz=${encodeURIComponent(zone)}`)) {
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `r2p_tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; SameSite=Lax${secure}`;
  }
})();

// The CSRF token as the server knows it now: signing in again (in another tab, say) rotates
// it, and the cookie always has the current one while the page's hidden input does not.
function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function refreshCsrf(form) {
  const token = csrfToken();
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  if (token && input) {
    input.value = token;
  }
  return token;
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

// Notes grow with their text (where CSS field-sizing does not) and count their characters.
function setUpNotes(form) {
  const grows = !(window.CSS && CSS.supports("field-sizing", "content"));
  const fit = (textarea) => {
    if (grows) {
      textarea.style.height = "auto";
      textarea.style.height = `${textarea.scrollHeight + 2}px`;
    }
    const counter = document.getElementById(`count-${textarea.id}`);
    if (counter) {
      const lang = document.documentElement.lang || undefined;
      const used = textarea.value.length.toLocaleString(lang);
      counter.textContent = counter.dataset.template
        .replace("{used}", used)
        .replace("{max}", Number(textarea.maxLength).toLocaleString(lang));
    }
  };
  form.querySelectorAll("textarea").forEach((textarea) => {
    fit(textarea);
    textarea.addEventListener("input", () => fit(textarea));
  });
  return fit;
}

// "Clear answer": a chosen answer can be taken back (radios alone cannot be unchecked).
function setUpClearButtons(form) {
  form.querySelectorAll("[data-clear-answer]").forEach((button) => {
    button.addEventListener("click", () => {
      form.querySelectorAll(`input[type=radio][name="${button.dataset.clearAnswer}"]`).forEach(
        (radio) => {
          radio.checked = false;
        },
      );
      form.dispatchEvent(new Event("input", { bubbles: true }));
      form.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
}

// What was typed and not yet confirmed saved, kept in this browser (per assessment and section)
// so that an ended session, a closed tab or a failed save loses nothing.
class Draft {
  constructor(form) {
    this.form = form;
    this.key = form.dataset.draftKey;
  }

  fields() {
    const fields = {};
    for (const element of this.form.elements) {
      if (!element.name || element.type === "hidden" || element.type === "submit") {
        continue;
      }
      if (element.type === "radio") {
        fields[element.name] = fields[element.name] || (element.checked ? element.value : "");
      } else if (element.type === "checkbox") {
        fields[element.name] = element.checked;
      } else {
        fields[element.name] = element.value;
      }
    }
    return fields;
  }

  hidden(name) {
    return this.form.elements.namedItem(name);
  }

  loaded() {
    const loaded = {};
    this.form.querySelectorAll("input[name$='__loaded']").forEach((input) => {
      loaded[input.name] = input.value;
    });
    return loaded;
  }

  save() {
    const draft = {
      at: Date.now(),
      revision: this.hidden("section_revision").value,
      writer: this.hidden("writer").value,
      loaded: this.loaded(),
      fields: this.fields(),
    };
    try {
      localStorage.setItem(this.key, JSON.stringify(draft));
    } catch {
      // Storage full or refused (a private window): the page itself still holds the text.
    }
  }

  read() {
    try {
      return JSON.parse(localStorage.getItem(this.key) || "null");
    } catch {
      return null;
    }
  }

  clear() {
    try {
      localStorage.removeItem(this.key);
    } catch {
      // Nothing to do: see save().
    }
  }

  differs(draft) {
    const now = this.fields();
    return Object.entries(draft.fields).some(([name, value]) => name in now && now[name] !== value);
  }

  // Put the draft back as it was typed, on the revision it was typed against: the server then
  // shows side by side any answer saved elsewhere since, and never overwrites it silently.
  restore(draft) {
    for (const [name, value] of Object.entries(draft.fields)) {
      const element = this.form.elements.namedItem(name);
      if (!element) {
        continue;
      }
      if (element instanceof RadioNodeList) {
        element.forEach((radio) => {
          radio.checked = radio.value === value;
        });
      } else if (element.type === "checkbox") {
        element.checked = Boolean(value);
      } else {
        element.value = value;
      }
    }
    this.hidden("section_revision").value = draft.revision;
    this.hidden("writer").value = draft.writer;
    for (const [name, value] of Object.entries(draft.loaded || {})) {
      const input = this.hidden(name);
      if (input) {
        input.value = value;
      }
    }
  }
}

function formatTime(timestamp) {
  const lang = document.documentElement.lang || undefined;
  return new Date(timestamp).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
}

function offerDraft(form, draft, onRestore) {
  const offer = document.getElementById("draft-offer");
  const saved = draft.read();
  if (!offer || !saved || !draft.differs(saved)) {
    if (saved) {
      draft.clear(); // What it holds is what the page shows: saved.
    }
    return;
  }
  offer.querySelector("[data-draft-time]").textContent = formatTime(saved.at);
  offer.hidden = false;
  offer.querySelector("[data-draft-restore]").addEventListener("click", () => {
    offer.hidden = true;
    draft.restore(saved);
    onRestore();
  });
  offer.querySelector("[data-draft-discard]").addEventListener("click", () => {
    offer.hidden = true;
    draft.clear();
  });
}

// Autosave (htmx posts the form a moment after the last change; see section.html), its status
// in the bar's live region, and a warning before leaving the page with changes not yet saved.
function setUpAutosave(form) {
  const draft = new Draft(form);
  let edits = 0;
  let editsSent = 0;
  let saved = 0;
  let signedOutWith = null; // the CSRF token when a save met an ended session

  const status = () => document.getElementById("save-status");
  const say = (state, text) => {
    const el = status();
    el.dataset.state = state;
    const line = document.createElement("span");
    line.className = "save-state";
    line.dataset.state = state;
    line.textContent = text;
    el.replaceChildren(line);
    return line;
  };
  const retryButton = () => {
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "btn btn-sm btn-outline-danger ms-1";
    retry.textContent = form.dataset.msgRetry;
    retry.addEventListener("click", () => window.htmx.trigger(form, "r2p-retry"));
    return retry;
  };
  const signedOut = () => {
    signedOutWith = csrfToken();
    const line = say("signed-out", `${form.dataset.msgSignedOut} `);
    const link = document.createElement("a");
    link.href = form.dataset.loginUrl;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = form.dataset.msgSignIn;
    line.append(link, retryButton());
  };

  form.addEventListener("input", () => {
    edits += 1;
    draft.save();
    if (status().dataset.state !== "signed-out") {
      say("dirty", form.dataset.msgUnsaved);
    }
  });
  form.addEventListener("submit", () => {
    refreshCsrf(form);
    saved = edits;
  });
  form.addEventListener("htmx:configRequest", (event) => {
    const token = refreshCsrf(form);
    if (token) {
      event.detail.parameters.csrfmiddlewaretoken = token;
    }
  });
  form.addEventListener("htmx:beforeRequest", () => {
    editsSent = edits;
    say("saving", form.dataset.msgSaving);
  });
  form.addEventListener("htmx:afterSwap", () => {
    const line = status().querySelector(".save-state");
    const state = line ? line.dataset.state : "idle";
    status().dataset.state = state;
    if (state === "saved") {
      signedOutWith = null;
      saved = editsSent;
      if (saved === edits) {
        draft.clear();
      } else {
        say("dirty", form.dataset.msgUnsaved);
      }
    }
  });
  const failed = (event) => {
    const xhr = event.detail.xhr;
    const reason = xhr ? xhr.getResponseHeader("R2P-Reason") : null;
    if (xhr && (xhr.status === 401 || reason === "csrf" || reason === "signed-out")) {
      signedOut();
    } else if (xhr && xhr.status === 403) {
      say("locked", form.dataset.msgLocked);
    } else {
      say("failed", `${form.dataset.msgFailed} — `).append(retryButton());
    }
  };
  form.addEventListener("htmx:responseError", failed);
  form.addEventListener("htmx:sendError", failed);
  // 401 and 403 are not swapped nor logged as errors (base.html's htmx-config): read here.
  form.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr;
    if (xhr && (xhr.status === 401 || xhr.status === 403)) {
      failed(event);
    }
  });
  // Back from signing in (in another tab): the token has changed, so save again by itself.
  const retryIfSignedIn = () => {
    if (signedOutWith !== null && csrfToken() !== signedOutWith && saved < edits) {
      window.htmx.trigger(form, "r2p-retry");
    }
  };
  window.addEventListener("focus", retryIfSignedIn);
  document.addEventListener("visibilitychange", retryIfSignedIn);
  window.addEventListener("beforeunload", (event) => {
    if (saved < edits) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  offerDraft(form, draft, () => {
    edits += 1;
    applySkipLogic(form);
    form.querySelectorAll("textarea").forEach((t) => t.dispatchEvent(new Event("input")));
    say("dirty", form.dataset.msgUnsaved);
    window.htmx.trigger(form, "r2p-retry");
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("section-form");
  if (form) {
    applySkipLogic(form);
    form.addEventListener("change", () => applySkipLogic(form));
    setUpNotes(form);
    setUpClearButtons(form);
    if (form.hasAttribute("data-autosave")) {
      setUpAutosave(form);
    }
  }
});

// The "Preparing your report" page: once the status says the report is ready, download it.
document.addEventListener("htmx:load", (event) => {
  const ready = event.detail.elt.closest?.("[data-r2p-download]")
    || event.detail.elt.querySelector?.("[data-r2p-download]");
  if (ready) {
    window.location.assign(ready.dataset.r2pDownload);
  }
});
