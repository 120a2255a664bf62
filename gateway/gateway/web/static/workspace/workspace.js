// Trang quản trị: small enhancements only; every page works without this file.
(function () {
  "use strict";
  // On a phone the menu starts folded (the page's own work comes first); it is open in the HTML
  // so that without this script every entry can still be reached. From 900 px it is a sidebar.
  var nav = document.querySelector(".ws-nav-toggle");
  if (nav && window.matchMedia && window.matchMedia("(max-width: 899px)").matches) nav.open = false;
  // htmx requests carry the page's CSRF token (the forms carry it as a field).
  document.addEventListener("htmx:configRequest", function (event) {
    var field = document.querySelector("input[name=csrf_token]");
    if (field) event.detail.headers["X-CSRF-Token"] = field.value;
  });
})();
