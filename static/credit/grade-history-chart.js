"use strict";
// The grade history chart on an entity's credit page (templates/credit/entity_detail.html); a file for the CSP (issue 11).
(function () {
  var el = document.getElementById("grade-history-chart");
  if (!window.echarts || !el) { return; }
  var data = JSON.parse(document.getElementById("grade-history-data").textContent);
  var chart = echarts.init(el, null, {renderer: "canvas"});
  chart.setOption({
    animation: false,
    aria: {enabled: true},
    grid: {left: 48, right: 16, top: 36, bottom: 32},
    tooltip: {trigger: "item", formatter: function (p) { return p.data.date + "<br>" + p.data.label + "　" + p.data.score + " 分"; }},
    xAxis: {type: "time"},
    yAxis: {type: "value", min: 0, max: 1000, name: "信用分"},
    series: [{
      type: "line", step: "end", symbolSize: 8,
      lineStyle: {color: "#616e7c"},
      markArea: {silent: true, label: {position: "insideLeft", color: "#616e7c"}, data: data.bands.map(function (b) {
        return [{yAxis: b.min, name: b.label, itemStyle: {color: b.hex, opacity: 0.08}}, {yAxis: b.max}];
      })},
      data: data.points.map(function (p) {
        return {value: [p.date, p.score], date: p.date, label: p.label, score: p.score, itemStyle: {color: p.hex}, symbol: p.now ? "none" : "circle"};
      })
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
