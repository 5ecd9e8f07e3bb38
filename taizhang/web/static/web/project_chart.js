// Monthly bars and the cumulative line of a project's approved reports (ECharts).
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("investment-chart");
  var source = document.getElementById("chart-data");
  if (!holder || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.monthly, data.labels.cumulative], bottom: 0 },
    grid: { left: 70, right: 70, top: 20, bottom: 50 },
    xAxis: { type: "category", data: data.periods },
    yAxis: [{ type: "value" }, { type: "value", splitLine: { show: false } }],
    series: [
      { name: data.labels.monthly, type: "bar", data: data.monthly.map(Number), itemStyle: { color: "#1d4ed8" } },
      { name: data.labels.cumulative, type: "line", yAxisIndex: 1, data: data.cumulative.map(Number), itemStyle: { color: "#b42318" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
