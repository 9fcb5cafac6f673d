/* The story form's pre-publish check panel, kept up to date as the editor works.
 *
 * The panel is drawn by the server on every load and save, so without this script it is still
 * there. With it, the form's fields (not its files) are posted to the panel's endpoint a moment
 * after the editor stops typing, and the panel's results are replaced by the server's answer.
 * The rich-text editor writes into its hidden textarea without always firing an input event,
 * so the form is also compared with what was last checked every few seconds.
 */
"use strict";
(function () {
  const DEBOUNCE_MS = 700;
  const POLL_MS = 3000;

  function start() {
    const panel = document.getElementById("prepublish");
    const form = document.getElementById("article_form");
    if (!panel || !form || !panel.dataset.checkUrl) return;
    const results = panel.querySelector(".prepublish-results");
    const ackName = "publish_despite_warnings";
    let timer = null;
    let lastChecked = signature();
    let inFlight = null;

    function fields() {
      const data = new FormData(form);
      for (const [name, value] of Array.from(data.entries())) {
        if (value instanceof File) {
          data.delete(name);
          if (value.name) data.append("hero_image_chosen", "1");
        }
      }
      return data;
    }

    function signature() {
      const parts = [];
      for (const [name, value] of fields().entries()) {
        if (name !== ackName && name !== "csrfmiddlewaretoken") parts.push(name + "=" + value);
      }
      return parts.join("&");
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, DEBOUNCE_MS);
    }

    function check() {
      const current = signature();
      lastChecked = current;
      if (inFlight) inFlight.abort();
      inFlight = new AbortController();
      const token = form.querySelector("input[name=csrfmiddlewaretoken]");
      panel.setAttribute("aria-busy", "true");
      fetch(panel.dataset.checkUrl, {
        method: "POST",
        body: fields(),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
        signal: inFlight.signal,
      })
        .then((response) => (response.ok ? response.json() : null))
        .then((answer) => {
          if (!answer || typeof answer.html !== "string") return;
          const ack = form.querySelector("input[name=" + ackName + "]");
          const acknowledged = ack ? ack.checked : false;
          results.innerHTML = answer.html; // rendered and escaped by the server's template
          const fresh = form.querySelector("input[name=" + ackName + "]");
          if (fresh) fresh.checked = acknowledged;
          panel.dataset.checkedAt = String(Date.now());
        })
        .catch(() => {}) // offline or aborted: the panel is redrawn on the next save
        .finally(() => panel.removeAttribute("aria-busy"));
    }

    form.addEventListener("input", (event) => {
      if (!panel.contains(event.target)) schedule();
    });
    form.addEventListener("change", (event) => {
      if (!panel.contains(event.target)) schedule();
    });
    window.setInterval(() => {
      if (signature() !== lastChecked) schedule();
    }, POLL_MS);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
