// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("scripted"); // hides what only people without JavaScript need

  // Select a Region: the form submits itself on a change. A change made before this script ran
  // (a slow page) is not lost: the choice differs from the page's Region, so submit it now.
  var regionSelect = document.querySelector("select[data-region-select]");
  if (regionSelect) {
    regionSelect.addEventListener("change", function () {
      regionSelect.form.submit();
    });
    if (regionSelect.value !== regionSelect.dataset.pageRegion) regionSelect.form.submit();
  }

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(copy.dataset.copy).then(function () {
        var label = copy.textContent;
        copy.textContent = "Copied";
        setTimeout(function () { copy.textContent = label; }, 1500);
      });
    }
    var dismiss = event.target.closest("[data-dismiss]");
    if (dismiss) dismiss.closest(".flash").remove();
  });

  // A second click while the first submit is on its way does nothing (the server also ignores it).
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-submit-once]");
    if (!form) return;
    if (form.dataset.submitted) {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "true";
  });

  function polls(element) {
    return /^\s*every\s/.test(element.getAttribute("hx-trigger") || "");
  }

  // Live parts poll only while the tab is visible.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (document.visibilityState !== "visible" && polls(event.detail.elt)) event.preventDefault();
  });

  // A poll answered 404 or 403 (the resource is gone, or the person was signed out): stop polling
  // and say so, rather than asking again every few seconds for ever.
  document.addEventListener("htmx:responseError", function (event) {
    var element = event.detail.elt;
    var status = event.detail.xhr.status;
    if (!polls(element) || (status !== 404 && status !== 403)) return;
    var frozen = element.cloneNode(true); // no hx-* attributes: htmx stops the detached original
    frozen.removeAttribute("hx-get");
    frozen.removeAttribute("hx-trigger");
    element.replaceWith(frozen);
    showOutOfDate(frozen);
  });

  function showOutOfDate(near) {
    if (document.querySelector("[data-out-of-date]")) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-warning";
    alert.setAttribute("role", "alert");
    alert.dataset.outOfDate = "";
    alert.append("This page is out of date and is no longer updated. ");
    var reload = document.createElement("a");
    reload.href = window.location.href;
    reload.textContent = "Reload the page";
    alert.append(reload);
    var container = near.closest(".container") || near;
    container.before(alert);
  }

  // "so far" durations tick: each counts on from the seconds the server rendered it with, by
  // this browser's clock from when it first saw it (so the two clocks needn't agree). The format
  // is the `duration` template filter's (workmail_console/templatetags/console.py).
  function duration(seconds) {
    if (seconds < 1) return Math.round(seconds * 1000) + " ms";
    if (seconds < 10) return seconds.toFixed(1) + " s";
    var whole = Math.floor(seconds);
    var units = [["d", 86400, "h", 3600], ["h", 3600, "min", 60], ["min", 60, "s", 1]];
    for (var i = 0; i < units.length; i++) {
      var unit = units[i];
      if (whole >= unit[1]) {
        var rest = Math.floor((whole % unit[1]) / unit[3]);
        return Math.floor(whole / unit[1]) + " " + unit[0] + (rest ? " " + rest + " " + unit[2] : "");
      }
    }
    return whole + " s";
  }

  setInterval(function () {
    var now = Date.now();
    document.querySelectorAll("[data-ticking]").forEach(function (element) {
      if (!element.dataset.tickingSeen) element.dataset.tickingSeen = String(now);
      var seconds = Number(element.dataset.ticking) + (now - Number(element.dataset.tickingSeen)) / 1000;
      element.textContent = duration(seconds);
    });
  }, 1000);

  // A choice's own fields (data-shown-with: the ids of the radio buttons they belong to) show
  // only while one of those is checked; without this script they all show.
  function showDependents() {
    document.querySelectorAll("[data-shown-with]").forEach(function (element) {
      element.hidden = !element.dataset.shownWith.split(" ").some(function (id) {
        var choice = document.getElementById(id);
        return choice && choice.checked;
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.type === "radio") showDependents();
  });
  showDependents();

  // Table actions (data-needs-selection) are disabled until a row of their form is selected, as
  // Cloudscape's are; without this script they stay enabled and the server says "Select ...".
  // In the capture phase: a page's own script (users.js) narrows them further afterwards.
  function gateActions(form) {
    var selected = !!form.querySelector("input[type=radio]:checked, input[type=checkbox]:checked");
    document.querySelectorAll("button[data-needs-selection]").forEach(function (button) {
      if (button.form === form) button.disabled = !selected;
    });
  }
  function gateAll() {
    document.querySelectorAll("button[data-needs-selection]").forEach(function (button) {
      if (button.form) gateActions(button.form);
    });
  }
  gateAll();
  document.addEventListener("htmx:afterSettle", gateAll); // a live table's rows were replaced
  document.addEventListener("change", function (event) {
    if (event.target.form && event.target.matches("input[type=radio], input[type=checkbox]")) {
      gateActions(event.target.form);
    }
  }, true);

  // Confirmations open in a modal dialog, as Cloudscape's do: a link or a submit button marked
  // data-dialog fetches its confirmation page and shows that page's .dialog in a <dialog>. The
  // form inside posts as it does on the page (a refusal then shows the full page with its
  // errors). Without this script, or when the answer isn't a confirmation (the selection is
  // gone, say), the browser goes to the page itself.
  function dialogUrl(opener) {
    if (opener.tagName === "A") return opener.href;
    var form = opener.form;
    // The attribute, not form.action: a control named "action" (the Users list's) shadows that.
    var target = opener.getAttribute("formaction") || form.getAttribute("action") || "";
    var url = new URL(target, window.location.href);
    var data = new FormData(form);
    if (opener.name) data.append(opener.name, opener.value);
    data.delete("csrfmiddlewaretoken"); // never into a URL
    data.forEach(function (value, name) { url.searchParams.append(name, value); });
    return url.href;
  }

  function modal() {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.id = "confirm-dialog";
      dialog.className = "modal";
      dialog.addEventListener("click", function (event) {
        // Cancel (a link back on the full page) and a click on the backdrop close it.
        if (event.target === dialog || event.target.closest("[data-dialog-cancel], .form-actions a.btn-link")) {
          event.preventDefault();
          dialog.close();
        }
      });
      document.body.append(dialog);
    }
    return dialog;
  }

  var dialogsAsked = 0; // only the last one asked for opens: an earlier answer is stale

  function openDialog(opener) {
    var url = dialogUrl(opener);
    var asked = ++dialogsAsked;
    opener.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.text().then(function (html) { return [response, html]; });
      })
      .then(function (answer) {
        var response = answer[0];
        if (asked !== dialogsAsked) return;
        var found = new DOMParser().parseFromString(answer[1], "text/html").querySelector(".dialog");
        if (!response.ok || !found) {
          window.location.assign(url);
          return;
        }
        found.querySelectorAll("form:not([action])").forEach(function (form) {
          form.setAttribute("action", response.url); // it posted to its own page
        });
        var content = document.importNode(found, true);
        content.removeAttribute("role"); // the <dialog> is the dialog now
        content.removeAttribute("aria-labelledby");
        var dialog = modal();
        if (dialog.open) dialog.close();
        dialog.replaceChildren(content);
        var heading = dialog.querySelector("h1, h2");
        if (heading && heading.id) dialog.setAttribute("aria-labelledby", heading.id);
        dialog.showModal();
        // Where typing starts: the box to type in (a confirmation, a password), else any field.
        var first = dialog.querySelector("input[type=text], input[type=password], input[type=email]") ||
          dialog.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      })
      .catch(function () { window.location.assign(url); })
      .finally(function () { opener.removeAttribute("aria-busy"); });
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog]");
    if (!opener || opener.disabled || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (opener.tagName !== "A" && !opener.form) return;
    event.preventDefault();
    openDialog(opener);
  });

  // Browser tests wait for this instead of guessing how long the scripts take.
  document.addEventListener("DOMContentLoaded", function () {
    root.dataset.consoleReady = "true";
  });
})();
