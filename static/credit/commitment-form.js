"use strict";
// The public 信用承诺 form (templates/credit/commitment_form.html); a file, not inline, for the CSP (issue 11).
(function () {
  // Keep the prefilled text in step with the type, matter and due date, unless the person has edited it.
  var form = document.getElementById("commitment-form");
  if (!form) { return; }
  var templates = JSON.parse(document.getElementById("commitment-templates").textContent);
  var script = document.currentScript || document.querySelector("script[data-commitment-form]");
  var placeholder = script.dataset.placeholder;
  var type = form.elements["commitment_type"], matter = form.elements["matter"], due = form.elements["due_on"], content = form.elements["content"];
  function fill() {
    var t = templates[type.value] || "";
    var d = due.value ? due.value.split("-") : null;
    var dueText = d && d.length === 3 ? (d[0] + "年" + parseInt(d[1], 10) + "月" + parseInt(d[2], 10) + "日") : (placeholder + "年" + placeholder + "月" + placeholder + "日");
    return t.split("{matter}").join(matter.value.trim() || placeholder).split("{due_on}").join(dueText);
  }
  var last = content.value;
  var bound = script.dataset.bound === "true";
  if (content.value.trim() === "") { content.value = last = fill(); }
  else if (!bound) {
    // The server prefilled the text without matter or date; adopt it as ours so changes follow.
    var generated = fill();
    if (content.value === generated || content.value.indexOf(placeholder) !== -1) { content.value = last = generated; }
  }
  function update() {
    if (content.value === last || content.value.trim() === "") { content.value = last = fill(); }
  }
  [type, matter, due].forEach(function (el) { el.addEventListener("input", update); el.addEventListener("change", update); });
})();
