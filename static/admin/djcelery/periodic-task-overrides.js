// django-celery-beat's periodic task form (templates/admin/djcelery/change_periodictask_form.html):
// its inline script as a file, for the CSP (issue 11). The crontab's help text comes as a data attribute.
(function () {
  "use strict";
  var script = document.getElementById("periodic-task-overrides");
  var readableCrontabs = JSON.parse(django.jQuery("#readable-crontabs").text());
  var originalCrontabHelp = django.jQuery("<div>").text(script.dataset.crontabHelp || "").html();

  var updateCrontabHelp = function (additional) {
    django.jQuery(".field-crontab .help").html(originalCrontabHelp + "<br/>Translation: " + django.jQuery("<div>").text(additional || "").html());
  };

  django.jQuery(".field-crontab_translation").hide();
  django.jQuery(".field-crontab").change(function () {
    updateCrontabHelp(readableCrontabs[django.jQuery("#id_crontab").val()]);
  });
})();
