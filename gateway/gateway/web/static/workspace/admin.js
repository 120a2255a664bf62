// The administrators' pages: small enhancements only; every page works without this file.
(function () {
  "use strict";

  // The unit tree: open or close every branch at once.
  var tools = document.querySelector(".tree-tools");
  var tree = document.getElementById("cay-don-vi");
  if (tools && tree) {
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-tree]");
      if (!button) return;
      var open = button.getAttribute("data-tree") === "open";
      Array.prototype.forEach.call(tree.querySelectorAll("details"), function (d) { d.open = open; });
    });
  }

  // A unit named in the address (#don-vi-<id>, after adding or saving one): its branch opens.
  if (location.hash && tree) {
    var target = document.getElementById(location.hash.slice(1));
    for (var node = target; node && node !== tree; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
  }

  // «Sao chép»: an activation link to the clipboard — the value of the field named by
  // data-copy, or the text of data-copy-text; the outcome is said in the status line.
  function copy(text, note, field) {
    var done = function (ok) {
      if (note) note.textContent = ok ? "Đã sao chép vào bộ nhớ tạm." : "Không sao chép được; hãy chọn và sao chép thủ công.";
      if (!ok && field) field.select();
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
    } else {
      done(false);
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var name = button.getAttribute("data-copy");
    var field = document.getElementById(name);
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () { copy(field.value, document.getElementById(name + "-trang-thai"), field); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy-text]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(button.getAttribute("data-copy-text"), document.getElementById("sao-chep-trang-thai"), null);
    });
  });

  // An action that cannot be taken back quietly (lock an account, suspend or archive) asks first.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
