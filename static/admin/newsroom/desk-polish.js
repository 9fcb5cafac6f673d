/* The story form, made pleasant for a long story: live character and word counts, the search
   and social preview kept in step, byline up/down buttons, slugs that keep "2021/22" apart,
   pasted headings and tables that fit the story, and the error summary in focus.
   Everything here only improves what the server already renders and checks (CSP: a static
   file, no inline script or style). */
"use strict";

(function () {
  // tiptap puts its base CSS in a <style> element it adds itself, which the strict CSP blocks
  // (a console error on every editor page). The same rules come from the static
  // django_prose_editor/editor.css. tiptap first looks for an element matching
  // "style[data-tiptap-style]" and skips the injection if it finds one: this placeholder
  // matches that selector but, outside the HTML namespace, is no style sheet (an empty HTML
  // <style> would itself break the CSP). This file loads before the editor's module script.
  if (!document.querySelector("style[data-tiptap-style]")) {
    var placeholder = document.createElementNS("urn:x-newsroom:placeholder", "style");
    placeholder.setAttribute("data-tiptap-style", "");
    document.head.appendChild(placeholder);
  }

  // "PEEL 2021/22" -> "peel-2021-22": Django's URLify drops "/" and joins the numbers.
  // prepopulate.js looks URLify up on each keystroke, so wrapping it here is enough.
  // articles.forms.slug_from does the same on the server.
  var PARTING = /[\/\\.,:;&+_\u2013\u2014]+/g;
  function wrapURLify() {
    if (typeof window.URLify !== "function" || window.URLify.deskPolish) return;
    var original = window.URLify;
    var wrapped = function (text, length, allowUnicode) {
      return original(String(text).replace(PARTING, " "), length, allowUnicode);
    };
    wrapped.deskPolish = true;
    window.URLify = wrapped;
  }
  wrapURLify();

  // Pasted HTML, before the editor reads it: H1 becomes H2, H4-H6 become H3 (the story has
  // two heading levels), and each table row becomes a paragraph whose cells are parted by
  // " | ", so "Effectiveness" and "Good" never run together as "EffectivenessGood".
  function tidyPaste(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var rename = function (selector, tag) {
      doc.body.querySelectorAll(selector).forEach(function (old) {
        var heading = doc.createElement(tag);
        heading.textContent = old.textContent;
        old.replaceWith(heading);
      });
    };
    rename("h1", "h2");
    rename("h4, h5, h6", "h3");
    doc.body.querySelectorAll("table").forEach(function (table) {
      var rows = [];
      table.querySelectorAll("tr").forEach(function (row) {
        var cells = [];
        row.querySelectorAll("th, td").forEach(function (cell) {
          var text = cell.textContent.replace(/\s+/g, " ").trim();
          if (text) cells.push(text);
        });
        if (cells.length) {
          var p = doc.createElement("p");
          p.textContent = cells.join(" | ");
          rows.push(p);
        }
      });
      table.replaceWith.apply(table, rows);
    });
    return doc.body.innerHTML;
  }
  window.deskTidyPaste = tidyPaste; // for the browser checks

  document.addEventListener("prose-editor:ready", function (event) {
    var editor = event.detail && event.detail.editor;
    if (!editor) return;
    editor.setOptions({ editorProps: { transformPastedHTML: tidyPaste } });
    editor.view.dom.setAttribute("spellcheck", "true"); // the browser's own spell-check
    var label = document.querySelector("label[for='" + event.target.id + "']");
    if (label) editor.view.dom.setAttribute("aria-label", label.textContent.replace(/:\s*$/, ""));
    var field = event.target.closest(".form-row") || event.target.parentNode;
    var count = document.createElement("p");
    count.className = "desk-count desk-word-count";
    count.setAttribute("aria-live", "polite");
    var update = function () {
      var words = editor.state.doc.textBetween(0, editor.state.doc.content.size, " ", " ");
      var n = (words.match(/\S+/g) || []).length;
      count.textContent = n + (n === 1 ? " word" : " words");
    };
    update();
    editor.on("update", update);
    field.appendChild(count);
  });

  function counter(input) {
    var limit = parseInt(input.getAttribute("data-search-limit"), 10);
    var hard = parseInt(input.getAttribute("maxlength"), 10);
    var note = document.createElement("p");
    note.className = "desk-count";
    note.id = input.id + "_count";
    note.setAttribute("aria-live", "polite");
    var update = function () {
      var n = input.value.length;
      var text = n + (n === 1 ? " character" : " characters") + ": search shows up to " + limit;
      if (hard && hard !== limit) text += ", " + hard + " at most";
      note.textContent = text;
      note.classList.toggle("desk-count-over", n > limit);
    };
    input.addEventListener("input", update);
    update();
    input.insertAdjacentElement("afterend", note);
  }

  function previewer() {
    var preview = document.getElementById("desk-preview");
    if (!preview) return;
    var value = function (id) {
      var el = document.getElementById(id);
      return el ? el.value.trim() : "";
    };
    var cut = function (text, limit) {
      return text.length > limit ? text.slice(0, limit - 1).trimEnd() + "…" : text;
    };
    var set = function (id, text) {
      var el = document.getElementById(id);
      if (el) el.textContent = text;
    };
    var site = preview.getAttribute("data-site").replace(/\/news\/[^/]*\/$/, "/news/");
    var update = function () {
      var description = value("id_seo_description") || value("id_standfirst");
      set("desk-preview-title", cut(value("id_seo_title") || value("id_headline"), 70));
      set("desk-preview-card-title", value("id_headline"));
      set("desk-preview-description", cut(description, 160));
      set("desk-preview-card-description", cut(description, 160));
      set("desk-preview-url", site + (value("id_slug") || "web-address") + "/");
    };
    ["id_headline", "id_standfirst", "id_seo_title", "id_seo_description", "id_slug"].forEach(
      function (id) {
        var el = document.getElementById(id);
        if (el) {
          el.addEventListener("input", update);
          el.addEventListener("change", update);
        }
      }
    );
  }

  // Bylines: "Move up" and "Move down" on each row; positions are renumbered 1..n in the
  // order shown. Without JavaScript, positions are typed, and the server numbers them.
  function bylineButtons() {
    var group = document.getElementById("bylines-group");
    if (!group) return;
    var rows = function () {
      return Array.prototype.filter.call(
        group.querySelectorAll("tbody tr.form-row"),
        function (row) { return !row.classList.contains("empty-form"); }
      );
    };
    var renumber = function () {
      rows().forEach(function (row, index) {
        var input = row.querySelector("input[name$='-position']");
        if (input) input.value = index + 1;
      });
    };
    var addButtons = function (row) {
      if (row.classList.contains("empty-form") || row.querySelector(".desk-move")) return;
      var cell = row.querySelector("td.field-position") || row.lastElementChild;
      if (!cell) return;
      [["up", "Move up", "↑"], ["down", "Move down", "↓"]].forEach(function (spec) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "desk-move desk-move-" + spec[0];
        button.setAttribute("aria-label", spec[1]);
        button.title = spec[1];
        button.textContent = spec[2];
        button.addEventListener("click", function () {
          var sibling = spec[0] === "up" ? row.previousElementSibling : row.nextElementSibling;
          if (!sibling || sibling.classList.contains("empty-form") ||
              !sibling.classList.contains("form-row")) return;
          if (spec[0] === "up") sibling.before(row); else sibling.after(row);
          renumber();
          button.focus();
        });
        cell.appendChild(button);
      });
    };
    rows().forEach(addButtons);
    document.addEventListener("formset:added", function (event) {
      if (event.detail && event.detail.formsetName === "bylines") {
        addButtons(event.target);
        var input = event.target.querySelector("input[name$='-position']");
        if (input) input.value = rows().length; // a new row takes the next position
      }
    });
  }

  // Names for controls Django and select2 leave unnamed: the inputs of a tabular inline
  // (named by their column and row) and select2's combobox and search box (named by the
  // field's label). Screen readers and axe need them.
  function labelText(el) {
    var label = el.id && document.querySelector("label[for='" + el.id + "']");
    var text = label ? label.textContent : el.getAttribute("aria-label") || "";
    return text.replace(/[:*]\s*$/, "").trim();
  }
  function nameControls() {
    document.querySelectorAll(".tabular table").forEach(function (table) {
      var headers = Array.prototype.map.call(
        table.querySelectorAll("thead th"),
        function (th) { return th.textContent.replace(/\s+/g, " ").trim(); }
      );
      table.querySelectorAll("tbody tr.form-row").forEach(function (row, index) {
        Array.prototype.forEach.call(row.children, function (cell, column) {
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(
            function (control) {
              if (control.classList.contains("select2-search__field")) return;
              if (control.getAttribute("aria-label") || labelText(control)) return;
              var header = headers[column] || "Field";
              control.setAttribute("aria-label", header + ", row " + (index + 1));
            }
          );
        });
      });
    });
    document.querySelectorAll("select + .select2-container").forEach(function (box) {
      var select = box.previousElementSibling;
      var name = labelText(select);
      if (!name) return;
      var combo = box.querySelector(".select2-selection");
      var rendered = box.querySelector(".select2-selection__rendered");
      if (combo && rendered && rendered.id) {
        if (!select.id) return;
        var labelId = select.id + "-name";
        if (!document.getElementById(labelId)) {
          var hidden = document.createElement("span");
          hidden.id = labelId;
          hidden.hidden = true;
          hidden.textContent = name;
          box.appendChild(hidden);
        }
        combo.setAttribute("aria-labelledby", labelId + " " + rendered.id);
      } else if (combo && !combo.getAttribute("aria-label")) {
        combo.setAttribute("aria-label", name);
      }
      if (rendered && rendered.getAttribute("role") === "textbox") {
        rendered.setAttribute("aria-label", name);
      }
      box.querySelectorAll(".select2-search__field").forEach(function (search) {
        search.setAttribute("aria-label", name);
      });
      // select2 puts its "clear" button straight into a <ul>, where only <li> may be; it
      // listens on the selection box, so the button still works one level up.
      var clear = box.querySelector("ul.select2-selection__rendered > .select2-selection__clear");
      if (clear && combo) {
        combo.querySelectorAll(":scope > .select2-selection__clear").forEach(function (old) {
          old.remove();
        });
        combo.appendChild(clear);
      }
    });
  }
  function watchControls() {
    nameControls();
    var form = document.querySelector("#content-main form") || document.body;
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        nameControls();
      });
    }).observe(form, { childList: true, subtree: true });
  }

  function start() {
    wrapURLify();
    document.querySelectorAll("[data-search-limit]").forEach(counter);
    previewer();
    bylineButtons();
    watchControls();
    var summary = document.getElementById("desk-error-summary");
    if (summary) summary.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
