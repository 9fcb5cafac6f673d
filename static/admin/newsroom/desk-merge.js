// The story form keeps work from being lost: it warns before leaving with unsaved changes,
// autosaves what is typed (for this person only, not as a revision), and says who else has the
// story open and when someone else saves it. Everything here is an addition: the form works
// the same without it, and the server checks everything it is sent.
(function () {
  "use strict";

  var AUTOSAVE_AFTER_MS = 2000; // of quiet after typing
  var POLL_EVERY_MS = 12000;

  function start() {
    var root = document.getElementById("desk-merge");
    var form = document.getElementById("article_form");
    if (!root || !form) {
      return;
    }
    var dirty = false;
    var leaving = false;
    var timer = null;
    var status = document.getElementById("desk-autosave-status");
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");

    function loadedVersion() {
      var field = form.querySelector("input[name=loaded_version]");
      return field ? field.value : "";
    }

    function post(url, fields) {
      var body = new FormData();
      Object.keys(fields).forEach(function (name) {
        body.append(name, fields[name]);
      });
      return fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf ? csrf.value : "" },
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      });
    }

    // Autosave

    function typed() {
      var fields = { loaded_version: loadedVersion() };
      form.querySelectorAll("input[type=text], input:not([type]), textarea").forEach(function (el) {
        if (el.name && !el.disabled && el.name.indexOf("-") === -1) {
          fields[el.name] = el.value;
        }
      });
      return fields;
    }

    function autosave() {
      timer = null;
      if (!root.dataset.autosaveUrl) {
        return;
      }
      post(root.dataset.autosaveUrl, typed())
        .then(function (answer) {
          status.textContent = "Your unsaved text was kept at " + answer.saved_at + " (not saved to the story yet).";
        })
        .catch(function () {
          status.textContent = "Your unsaved text could not be kept just now; it is still in the form.";
        });
    }

    function changed() {
      dirty = true;
      if (timer) {
        clearTimeout(timer);
      }
      timer = setTimeout(autosave, AUTOSAVE_AFTER_MS);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    document.addEventListener("prose-editor:ready", function (event) {
      var editor = event.detail && event.detail.editor;
      if (editor && editor.on) {
        editor.on("update", changed);
      }
    });

    // Leaving with unsaved changes

    form.addEventListener("submit", function () {
      leaving = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !leaving) {
        if (timer) {
          clearTimeout(timer);
          autosave();
        }
        event.preventDefault();
        event.returnValue = "";
      }
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href]") : null;
      if (!link || !dirty || leaving || form.contains(link) && !link.closest("#nav-sidebar")) {
        return;
      }
      var href = link.getAttribute("href");
      if (!href || href.charAt(0) === "#" || link.target === "_blank") {
        return;
      }
      if (window.confirm("You have changes that are not saved to the story. Leave this page anyway? (Your text is kept as unsaved text, to restore when you come back.)")) {
        leaving = true;
        if (timer) {
          clearTimeout(timer);
          autosave();
        }
      } else {
        event.preventDefault();
      }
    });

    // Who else has it open, and whether they saved it

    var notice = document.getElementById("desk-presence");
    function show(answer) {
      notice.textContent = "";
      if (answer.others && answer.others.length) {
        var who = document.createElement("p");
        who.className = "desk-presence-others";
        who.textContent = answer.others.join(", ") + (answer.others.length === 1 ? " also has" : " also have") + " this story open.";
        notice.appendChild(who);
      }
      if (answer.saved) {
        var saved = document.createElement("p");
        saved.className = "desk-presence-saved";
        saved.textContent = answer.saved.by + " saved this story at " + answer.saved.at + ": ";
        var link = document.createElement("a");
        link.href = answer.saved.compare_url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = "see what changed";
        saved.appendChild(link);
        saved.appendChild(document.createTextNode(". When you save, their changes are merged with yours."));
        notice.appendChild(saved);
      }
    }

    function poll() {
      if (!root.dataset.presenceUrl || document.hidden) {
        return;
      }
      post(root.dataset.presenceUrl, { loaded_version: loadedVersion() }).then(show).catch(function () {});
    }

    if (root.dataset.presenceUrl) {
      poll();
      setInterval(poll, POLL_EVERY_MS);
      window.addEventListener("focus", poll);
      document.addEventListener("visibilitychange", poll);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
