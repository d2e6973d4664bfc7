/* ECharts bar chart of the sales manager view (ORD-6); data comes from json_script. */
(function () {
  "use strict";

  function init() {
    var node = document.getElementById("sales-manager-data");
    var target = document.getElementById("sales-manager-chart");
    if (!node || !target || typeof echarts === "undefined") return;
    var data = JSON.parse(node.textContent);
    var chart = echarts.init(target);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 10, bottom: 60, top: 40 },
      xAxis: { type: "category", data: data.names, axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data.map(Number) };
      }),
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
