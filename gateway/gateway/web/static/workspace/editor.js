// Trang quản trị — the rich-text editor (pell) over a form's textarea: the answer to a question
// (questions.js) and an article's body (articles.js). The editor writes its HTML into the
// textarea the form sends; without this file the textarea stays, and the service sanitises
// whatever is sent. Loaded after vendor/pell.min.js and before the page's own script.
(function () {
  "use strict";

  // What the editor shows of HTML it did not make (typed text sent back after a refusal): inert
  // parsing, no script, no handler, no javascript: link.
  function inertCopy(html) {
    var box = document.createElement("template");
    box.innerHTML = html;
    var all = box.content.querySelectorAll("*");
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (/^(SCRIPT|STYLE|IFRAME|OBJECT|EMBED|LINK|META)$/.test(el.tagName)) { el.remove(); continue; }
      for (var j = el.attributes.length - 1; j >= 0; j--) {
        var name = el.attributes[j].name.toLowerCase();
        var value = el.attributes[j].value;
        if (name.indexOf("on") === 0 || name === "style" || (/^(href|src)$/.test(name) && /^\s*javascript:/i.test(value))) {
          el.removeAttribute(el.attributes[j].name);
        }
      }
    }
    return box.content;
  }

  var TITLES = {
    bold: "Chữ đậm",
    italic: "Chữ nghiêng",
    heading2: "Tiêu đề phụ",
    paragraph: "Đoạn văn thường",
    quote: "Trích dẫn",
    olist: "Danh sách đánh số",
    ulist: "Danh sách gạch đầu dòng",
  };

  function linkAction(title) {
    return {
      name: "link",
      icon: "Liên kết",  // pell's own icon is an emoji the system fonts may not have
      title: title,
      result: function () {
        var url = window.prompt("Địa chỉ liên kết (bắt đầu bằng https://)");
        if (url && /^(https?:|mailto:)/i.test(url.trim())) window.pell.exec("createLink", url.trim());
      },
    };
  }

  // The editor in the hidden ``options.holder`` in place of the textarea ``options.field`` (its
  // <label> needs an id: the editor is named by it, and a click on it focuses the editor).
  // ``actions``: pell's action names in toolbar order ("link" asks for an https:// or mailto:
  // address; its button's title is ``linkTitle``); ``toolbarLabel``: the toolbar's name;
  // ``onChange(html)``: after the textarea has the editor's HTML.
  // Returns ``{content, set(html)}``, or null (pell, the holder or the field missing: the
  // textarea stays).
  window.workspaceEditor = function (options) {
    var holder = options.holder;
    var field = options.field;
    if (!holder || !field || !window.pell) return null;
    window.pell.init({
      element: holder,
      actions: options.actions.map(function (name) {
        return name === "link" ? linkAction(options.linkTitle) : { name: name, title: TITLES[name] };
      }),
      defaultParagraphSeparator: "p",
      classes: { actionbar: "editor-bar", button: "editor-button", content: "editor-content", selected: "is-on" },
      onChange: function (html) {
        field.value = html;
        if (options.onChange) options.onChange(html);
      },
    });
    var content = holder.querySelector(".editor-content");
    var bar = holder.querySelector(".editor-bar");
    var label = field.labels[0];
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", options.toolbarLabel);
    holder.querySelectorAll(".editor-button").forEach(function (button) {
      // The accessible name starts with what the button shows (WCAG 2.5.3: "H2 – Tiêu đề phụ").
      var shown = button.textContent.trim();
      button.setAttribute("aria-label", /[A-Za-z0-9]/.test(shown) ? shown + " – " + button.title : button.title);
    });
    content.setAttribute("role", "textbox");
    content.setAttribute("aria-multiline", "true");
    content.setAttribute("aria-labelledby", label.id);
    if (field.getAttribute("aria-describedby")) content.setAttribute("aria-describedby", field.getAttribute("aria-describedby"));
    if (field.getAttribute("aria-invalid")) content.setAttribute("aria-invalid", "true");

    function set(html) {
      content.replaceChildren(inertCopy(html));
    }
    set(field.value);
    holder.hidden = false;
    field.hidden = true;
    field.removeAttribute("required");  // the hidden textarea must not block sending; the service checks
    label.addEventListener("click", function () { content.focus(); });
    return { content: content, set: set };
  };
})();
