/* What the ECharts pages share (pipeline funnel and team, sales manager view): reading the
   json_script data, drawing a chart that follows the window's size, and the bar chart of one
   series per measure over a row of names. Load it after echarts.min.js and before the page's
   own script (all deferred). */
window.GuanxiCharts = (function () {
  "use strict";

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") return;
    var chart = echarts.init(node);
    chart.setOption(option);
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  function bars(names, series, left) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: left, right: 10, bottom: 60, top: 40 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data.map(Number) };
      }),
    };
  }

  function ready(init) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", init);
    } else {
      init();
    }
  }

  return { data: data, draw: draw, bars: bars, ready: ready };
})();
