// The Users pages' small conveniences; both pages work without them.
(function () {
  "use strict";

  // Create user: the email address follows the user name, as the console pre-fills it, until
  // someone types an address of their own.
  var name = document.querySelector("input[data-prefills]");
  var address = name && document.getElementById(name.dataset.prefills);
  if (address) {
    var typed = address.value !== "" && address.value !== name.value.split("@")[0];
    address.addEventListener("input", function () { typed = address.value !== ""; });
    name.addEventListener("input", function () {
      if (!typed) address.value = name.value.split("@")[0];
    });
  }

  // Users list: the action buttons that apply to the selected user only.
  var buttons = document.querySelectorAll("button[data-user-action]");
  document.addEventListener("change", function (event) {
    var radio = event.target.closest("input[type=radio][data-actions]");
    if (!radio) return;
    var applies = radio.dataset.actions.split(" ");
    buttons.forEach(function (button) {
      button.disabled = applies.indexOf(button.dataset.userAction) === -1;
    });
  });
})();
