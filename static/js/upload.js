// Adding a source with a file: sent in the background so that its progress can be shown (the
// form works without this too, as a plain multipart post). What the server answers, the page
// it redirects to or the form with its errors, takes the place of the page's main part.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("form.js-upload")) {
    return;
  }
  const file = form.querySelector("input[type=file]");
  if (!file || !file.files.length) {
    return; // nothing to show progress for: the browser posts it
  }
  event.preventDefault();
  const box = form.querySelector(".upload-progress");
  const bar = box.querySelector("progress");
  box.hidden = false;
  bar.value = 0;
  for (const button of form.querySelectorAll("button")) {
    button.disabled = true;
  }
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.upload.addEventListener("progress", (progress) => {
    if (progress.lengthComputable) {
      bar.value = Math.round((progress.loaded / progress.total) * 100);
    }
  });
  request.addEventListener("load", () => {
    const answer = new DOMParser().parseFromString(request.responseText, "text/html");
    const main = answer.querySelector("main");
    if (!main) {
      form.submit(); // not one of our pages (a proxy's error): let the browser show it
      return;
    }
    document.querySelector("main").replaceWith(main);
    document.title = answer.title;
    history.replaceState(null, "", request.responseURL);
    // Where a screen reader should be: the first error, else the message, else the page.
    const first = main.querySelector(".is-invalid, .messages, .alert") || main;
    if (!first.hasAttribute("tabindex") && !first.matches("input, select, textarea")) {
      first.setAttribute("tabindex", "-1");
    }
    first.focus();
  });
  request.addEventListener("error", () => {
    // The network failed: post it the ordinary way, which the browser can retry.
    box.hidden = true;
    form.submit();
  });
  request.send(new FormData(form));
});
