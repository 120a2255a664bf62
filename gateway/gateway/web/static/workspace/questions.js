// Hỏi đáp — one question: the answer is written in the rich-text editor (pell), which writes its
// HTML into the textarea the form sends. Without this file the textarea takes plain text; the
// feedback service sanitises whatever is sent.
(function () {
  "use strict";
  var holder = document.getElementById("trinh-soan-thao");
  var answer = document.getElementById("answer");
  if (!holder || !answer || !window.pell) return;

  // What the editor shows of text it did not make (an answer typed before, sent back after a
  // refusal): inert parsing, no script, no handler, no javascript: link.
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

  window.pell.init({
    element: holder,
    actions: [
      { name: "bold", title: "Chữ đậm" },
      { name: "italic", title: "Chữ nghiêng" },
      { name: "paragraph", title: "Đoạn văn thường" },
      { name: "quote", title: "Trích dẫn" },
      { name: "olist", title: "Danh sách đánh số" },
      { name: "ulist", title: "Danh sách gạch đầu dòng" },
      {
        name: "link",
        icon: "Liên kết",  // pell's own icon is an emoji the system fonts may not have
        title: "Chèn liên kết đến văn bản pháp luật",
        result: function () {
          var url = window.prompt("Địa chỉ liên kết (bắt đầu bằng https://)");
          if (url && /^(https?:|mailto:)/i.test(url.trim())) window.pell.exec("createLink", url.trim());
        },
      },
    ],
    defaultParagraphSeparator: "p",
    classes: { actionbar: "editor-bar", button: "editor-button", content: "editor-content", selected: "is-on" },
    onChange: function (html) { answer.value = html; },
  });
  var content = holder.querySelector(".editor-content");
  var bar = holder.querySelector(".editor-bar");
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Định dạng câu trả lời");
  holder.querySelectorAll(".editor-button").forEach(function (button) {
    // The accessible name starts with what the button shows (WCAG 2.5.3).
    var shown = button.textContent.trim();
    button.setAttribute("aria-label", /[A-Za-z0-9]/.test(shown) ? shown + " – " + button.title : button.title);
  });
  content.setAttribute("role", "textbox");
  content.setAttribute("aria-multiline", "true");
  content.setAttribute("aria-labelledby", "nhan-answer");
  if (answer.getAttribute("aria-describedby")) content.setAttribute("aria-describedby", answer.getAttribute("aria-describedby"));
  if (answer.getAttribute("aria-invalid")) content.setAttribute("aria-invalid", "true");
  content.replaceChildren(inertCopy(answer.value));
  holder.hidden = false;
  answer.hidden = true;
  answer.removeAttribute("required");  // the hidden textarea must not block sending; the service checks
  document.getElementById("nhan-answer").addEventListener("click", function () { content.focus(); });
})();
