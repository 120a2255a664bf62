// Hỏi đáp — one question: the answer is written in the rich-text editor (editor.js), which writes
// its HTML into the textarea the form sends. Without script the textarea takes plain text; the
// feedback service sanitises whatever is sent.
(function () {
  "use strict";
  if (!window.workspaceEditor) return;
  window.workspaceEditor({
    holder: document.getElementById("trinh-soan-thao"),
    field: document.getElementById("answer"),
    actions: ["bold", "italic", "paragraph", "quote", "olist", "ulist", "link"],
    linkTitle: "Chèn liên kết đến văn bản pháp luật",
    toolbarLabel: "Định dạng câu trả lời",
  });
})();
