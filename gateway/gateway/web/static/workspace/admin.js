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

  // «Sao chép»: the activation link of the field next to it, to the clipboard.
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function (ok) {
        var note = document.getElementById(button.getAttribute("data-copy") + "-trang-thai");
        if (note) note.textContent = ok ? "Đã sao chép vào bộ nhớ tạm." : "Không sao chép được; hãy chọn và sao chép thủ công.";
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () { field.select(); done(false); });
      } else {
        field.select();
        done(false);
      }
    });
  });
})();
