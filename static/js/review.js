// Review sections (Set up directory, Create key): each value follows the field it names as the
// person types or chooses. Without this script the section shows the values the page was
// rendered with.
(function () {
  "use strict";

  var EMPTY = "-";
  var MASK = "••••••"; // a password is never shown, only that one is typed

  var values = document.querySelectorAll("[data-review-of]");
  if (!values.length) return;

  // A choice as a person reads it: its label, without the hints inside it ("(you)").
  function labelOf(input) {
    var label = input.labels && input.labels[0];
    if (!label) return input.value;
    var copy = label.cloneNode(true);
    copy.querySelectorAll(".hint").forEach(function (hint) { hint.remove(); });
    return copy.textContent.trim();
  }

  // data-review-of names a control by its id, or a group of radios or checkboxes by its name.
  function shown(form, ref) {
    var found = form.elements.namedItem(ref);
    if (!found) return null;
    var controls = found instanceof RadioNodeList ? Array.prototype.slice.call(found) : [found];
    var first = controls[0];
    var chosen;
    if (first.type === "password") return first.value ? MASK : EMPTY;
    if (first.tagName === "SELECT") {
      chosen = Array.prototype.filter.call(first.selectedOptions, function (option) {
        return option.value !== "";
      }).map(function (option) { return option.text.trim(); });
    } else if (first.type === "radio" || first.type === "checkbox") {
      chosen = controls.filter(function (input) { return input.checked; }).map(labelOf);
    } else {
      chosen = [first.value];
    }
    var text = chosen.join(", ");
    return text.trim() ? text : EMPTY;
  }

  // data-review-fixed-when="name=value": while that control holds that value, the field doesn't
  // count and the review shows data-review-fixed (a symmetric key's spec and usage).
  function fixed(form, element) {
    var when = element.dataset.reviewFixedWhen;
    if (!when) return null;
    var cut = when.indexOf("=");
    var control = form.elements.namedItem(when.slice(0, cut));
    return control && control.value === when.slice(cut + 1) ? element.dataset.reviewFixed : null;
  }

  function refresh() {
    values.forEach(function (element) {
      var form = element.closest("form");
      var text = fixed(form, element);
      if (text === null) text = shown(form, element.dataset.reviewOf);
      if (text !== null) element.textContent = text;
    });
  }

  document.addEventListener("input", refresh);
  refresh(); // values the browser restored or filled in before this script ran
})();
