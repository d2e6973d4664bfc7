/* ECharts for the funnel (ACQ-4) and team (INT-9) pages; data comes from json_script. */
(function () {
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

  function init() {
    var funnel = data("funnel-data");
    if (funnel) {
      draw("funnel-chart", {
        tooltip: { trigger: "item" },
        series: [
          {
            type: "funnel",
            sort: "none",
            minSize: "10%",
            left: "5%",
            width: "90%",
            label: { show: true, position: "inside", formatter: "{b}: {c}" },
            data: funnel,
          },
        ],
      });
    }
    var team = data("team-data");
    if (team) {
      draw("team-chart", {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 10, bottom: 60, top: 40 },
        xAxis: { type: "category", data: team.users, axisLabel: { rotate: 30 } },
        yAxis: { type: "value" },
        series: team.series.map(function (s) {
          return { name: s.name, type: "bar", data: s.data };
        }),
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
