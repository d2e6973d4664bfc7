/* ECharts bar charts of the complaint statistics (CMP-4); data comes from json_script. */
GuanxiCharts.ready(function () {
  "use strict";
  var data = GuanxiCharts.data("complaint-stats-data");
  if (!data) return;
  ["category", "channel", "outcomes"].forEach(function (key) {
    GuanxiCharts.draw("complaint-chart-" + key, GuanxiCharts.bars(data[key].names, data[key].series, 40));
  });
});
