// A field task on the phone (templates/field/task_detail.html); a file, not inline, for the CSP (issue 11).
(function () {
  "use strict";
  // Checklist ticks stay on this phone only (localStorage), one set per task and inspector.
  var script = document.currentScript || document.querySelector("script[data-field-task]");
  var key = script.dataset.storageKey;
  var maxFiles = parseInt(script.dataset.maxFiles, 10) || 10;
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-check]"));
  var counter = document.querySelector("[data-checked-count]");
  var saved = {};
  try { saved = JSON.parse(window.localStorage.getItem(key) || "{}"); } catch (e) { saved = {}; }
  function update() {
    var state = {}, n = 0;
    boxes.forEach(function (box) { if (box.checked) { state[box.dataset.check] = 1; n += 1; } });
    if (counter) { counter.textContent = n; }
    try { window.localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* private mode: ticks are not kept */ }
  }
  boxes.forEach(function (box) { box.checked = !!saved[box.dataset.check]; box.addEventListener("change", update); });
  update();

  // 未发现问题 cannot go with any other category (the server refuses it too).
  var choices = Array.prototype.slice.call(document.querySelectorAll("input[name=categories]"));
  choices.forEach(function (box) {
    box.addEventListener("change", function () {
      if (!box.checked) { return; }
      choices.forEach(function (other) {
        if (other !== box && (box.value === "no_problem" || other.value === "no_problem")) { other.checked = false; }
      });
    });
  });

  // Show the chosen evidence files, and warn before the upload about size and count.
  var files = document.querySelector("input[type=file][name=evidence]");
  var list = document.querySelector("[data-file-list]");
  if (files && list) {
    files.addEventListener("change", function () {
      list.innerHTML = "";
      var chosen = Array.prototype.slice.call(files.files);
      chosen.forEach(function (f) {
        var li = document.createElement("li");
        var mb = f.size / 1024 / 1024;
        li.textContent = f.name + "（" + (mb < 0.1 ? "<0.1" : mb.toFixed(1)) + " MB）" + (mb > 10 ? " 超过 10 MB" : "");
        if (mb > 10) { li.className = "fld-error"; }
        list.appendChild(li);
      });
      if (chosen.length > maxFiles) {
        var li = document.createElement("li");
        li.className = "fld-error";
        li.textContent = "最多 " + maxFiles + " 个文件，本次选择了 " + chosen.length + " 个";
        list.appendChild(li);
      }
    });
  }

  // One tap submits once.
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = button.dataset.busy || "正在提交…"; }
    });
  });
})();
