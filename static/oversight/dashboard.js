/* The dashboard's charts (issue 17 §2): each reads its series from the page's json_script
   ("dashboard-data") and draws into its [data-chart] box; the table beside it has the same numbers.
   A static file, no inline script (the CSP allows none). */
(function () {
  "use strict";

  var HORIZONTAL = { coverage: true, findings: true, checks: true };

  function option(spec, narrow) {
    var horizontal = HORIZONTAL[spec.id];
    var many = spec.categories.length > 6;
    var long = spec.categories.length > 3 && spec.categories.some(function (c) {
      return c.length > 7;
    });
    var category = {
      type: "category",
      data: spec.categories,
      axisLabel: horizontal
        ? { interval: 0, width: narrow ? 90 : 180, overflow: "truncate" }
        : { interval: 0, rotate: narrow || many || long ? 40 : 0, width: 90, overflow: "truncate" },
    };
    if (horizontal) {
      category.inverse = true;
    }
    var value = { type: "value", minInterval: 1 };
    // A series with "axis": 1 is drawn against a second value axis (e.g. 良好 beside the other grades).
    var twoAxes = spec.series.some(function (s) {
      return s.axis === 1;
    });
    var values = twoAxes
      ? [
          { type: "value", minInterval: 1 },
          { type: "value", minInterval: 1, splitLine: { show: false } },
        ]
      : value;
    return {
      animation: false,
      tooltip: { trigger: "axis", confine: true },
      legend: { type: "scroll", top: 0, left: 0, right: 0 },
      grid: { left: 8, right: 24, top: 48, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : values,
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: spec.kind === "line" ? "line" : "bar",
          stack: s.stack,
          data: s.data,
          yAxisIndex: twoAxes ? s.axis || 0 : 0,
          connectNulls: false,
          itemStyle: s.color ? { color: s.color } : undefined,
          lineStyle: s.color ? { color: s.color, type: s.axis === 1 ? "dashed" : "solid" } : undefined,
        };
      }),
    };
  }

  function draw() {
    var node = document.getElementById("dashboard-data");
    if (!node || !window.echarts) {
      return;
    }
    var narrow = window.innerWidth < 600;
    var drawn = [];
    JSON.parse(node.textContent).forEach(function (spec) {
      var box = document.querySelector('[data-chart="' + spec.id + '"]');
      if (!box) {
        return;
      }
      if (HORIZONTAL[spec.id]) {
        box.style.height = Math.max(240, 90 + 30 * spec.categories.length) + "px";
      }
      var chart = window.echarts.init(box, null, { renderer: "svg" });
      chart.setOption(option(spec, narrow));
      box.setAttribute("data-drawn", "1");
      drawn.push(chart);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (chart) {
        chart.resize();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
