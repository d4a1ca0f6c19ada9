// Handlers the console's templates used to carry inline: the Content-Security-Policy allows
// scripts from this site only, so markup says what to do in data- attributes instead.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var action = event.target.closest("[data-model-action]");
    if (action) {
      event.preventDefault();
      // modelActions comes from Flask-Admin's actions.js, loaded before this file.
      window.modelActions.execute(action.getAttribute("data-model-action"));
      return;
    }
    var asking = event.target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
