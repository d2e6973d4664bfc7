/* ECharts of the satisfaction report (SAT-3): the monthly trend (internal and external
   performance − expectation, NPS on a second axis) and one consultant's radar against everyone
   shown. Data comes from json_script. */
GuanxiCharts.ready(function () {
  "use strict";
  var data = GuanxiCharts.data("gx-sat-data");
  if (!data) return;
  GuanxiCharts.draw("gx-sat-trend", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 40, bottom: 30, top: 40 },
    xAxis: { type: "category", data: data.months },
    yAxis: [{ type: "value" }, { type: "value", min: -100, max: 100, splitLine: { show: false } }],
    series: data.trend
      .map(function (s) {
        return { name: s.name, type: "line", connectNulls: true, data: s.data };
      })
      .concat([{ name: data.nps_name, type: "bar", yAxisIndex: 1, data: data.nps, itemStyle: { opacity: 0.35 } }]),
  });
  GuanxiCharts.draw("gx-sat-radar", {
    tooltip: {},
    legend: { bottom: 0 },
    radar: { indicator: data.radar.indicators, radius: "60%" },
    series: [{ type: "radar", data: data.radar.series }],
  });
});
