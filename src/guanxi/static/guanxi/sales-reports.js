/* ECharts bar chart of the sales manager view (ORD-6); data comes from json_script. */
GuanxiCharts.ready(function () {
  "use strict";
  var data = GuanxiCharts.data("sales-manager-data");
  if (data) {
    GuanxiCharts.draw("sales-manager-chart", GuanxiCharts.bars(data.names, data.series, 60));
  }
});
