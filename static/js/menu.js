// The public menu's groups (templates/public/base.html) are <details>: they open and close without
// script. This only tidies up on a wide screen, where a group opens as a drop-down: one group open at
// a time, and a click elsewhere or Escape closes it (focus goes back to its heading).
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 900px)");
  function groups() {
    return document.querySelectorAll(".site-nav details");
  }
  function closeAll(except) {
    groups().forEach(function (d) {
      if (d !== except) d.open = false;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    groups().forEach(function (d) {
      d.addEventListener("toggle", function () {
        if (d.open && wide.matches) closeAll(d);
      });
    });
    document.addEventListener("click", function (event) {
      if (wide.matches && !event.target.closest(".site-nav")) closeAll(null);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var open = document.querySelector(".site-nav details[open]");
      if (open && wide.matches) {
        open.open = false;
        open.querySelector("summary").focus();
      }
    });
  });
})();
