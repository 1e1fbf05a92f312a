// Bar charts in 万元 with the vendored ECharts: one card per chart, drawn into `holder`.
// Each chart is {title, labels, series: [{name, data}]}; a chart without labels is left out.
function huiqiBars(holder, charts) {
  for (const chart of charts) {
    if (!chart.labels.length) continue;
    const box = document.createElement("div");
    box.className = "chart card";
    holder.appendChild(box);
    echarts.init(box, null, { renderer: "svg" }).setOption({
      animation: false, title: { text: chart.title, textStyle: { fontSize: 14 } }, tooltip: { trigger: "axis" },
      legend: { top: 28, left: "right" }, grid: { top: 64, left: 80, right: 24, bottom: 96 },
      xAxis: { type: "category", data: chart.labels, axisLabel: { rotate: 40, interval: 0 } },
      yAxis: { type: "value", name: "万元" },
      series: chart.series.map(s => ({ name: s.name, type: "bar", data: s.data })),
    });
  }
}
