// Monthly bars and the cumulative line of a project's approved reports (ECharts).
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("investment-chart");
  var source = document.getElementById("chart-data");
  if (!holder || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  function escape(text) {
    var div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML;
  }
  function tooltip(params) {
    var rows = params.map(function (p) {
      return '<div class="tt-row"><span class="tt-mark tt-series-' + p.seriesIndex + '"></span>' +
        escape(p.seriesName) + ' <b>' + escape(p.value) + '</b></div>';
    });
    return '<div class="tt-title">' + escape(params.length ? params[0].axisValueLabel : "") +
      '</div>' + rows.join("");
  }
  var chart = echarts.init(holder, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    // Our own tooltip markup: ECharts' default uses style="" attributes, which the content
    // security policy refuses.
    tooltip: { trigger: "axis", className: "chart-tooltip", formatter: tooltip },
    // The legend above the plot: on a phone its two entries wrap onto two lines, which
    // below the plot ran over the month labels.
    legend: { data: [data.labels.monthly, data.labels.cumulative], top: 0 },
    grid: { left: 8, right: 8, top: holder.clientWidth < 520 ? 60 : 40, bottom: 8,
            containLabel: true },
    xAxis: { type: "category", data: data.periods },
    yAxis: [{ type: "value" }, { type: "value", splitLine: { show: false } }],
    series: [
      { name: data.labels.monthly, type: "bar", data: data.monthly.map(Number), itemStyle: { color: "#1d4ed8" } },
      { name: data.labels.cumulative, type: "line", yAxisIndex: 1, data: data.cumulative.map(Number), itemStyle: { color: "#b42318" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
