/* ECharts for the funnel (ACQ-4) and team (INT-9) pages; data comes from json_script. */
GuanxiCharts.ready(function () {
  "use strict";
  var funnel = GuanxiCharts.data("funnel-data");
  if (funnel) {
    GuanxiCharts.draw("funnel-chart", {
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
  var team = GuanxiCharts.data("team-data");
  if (team) {
    GuanxiCharts.draw("team-chart", GuanxiCharts.bars(team.users, team.series, 40));
  }
});
