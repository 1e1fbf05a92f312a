// Bar charts with the vendored ECharts: one card per chart, drawn into `holder`.
// Each chart is {title, labels, series: [{name, data, stack?, color?}], unit?, horizontal?}; the unit (万元 unless
// given: 亿元, 家, %) names the value axis and follows each value in the tooltip; a chart without labels
// is left out. The HTML reports inline this file, so it must need nothing but ECharts.
function huiqiBars(holder, charts) {
  for (const chart of charts) {
    if (!chart.labels.length) continue;
    const box = document.createElement("div");
    box.className = "chart card";
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", chart.title);
    holder.appendChild(box);
    const unit = chart.unit || "万元";
    const value = { type: "value", name: unit };
    const category = { type: "category", data: chart.labels,
                       axisLabel: chart.horizontal ? { width: 250, overflow: "truncate" } : { rotate: 40, interval: 0 } };
    echarts.init(box, null, { renderer: "svg" }).setOption({
      animation: false, title: { text: chart.title, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", valueFormatter: v => (v === undefined || v === null ? "—" : v + " " + unit) },
      legend: { top: 28, left: "right" },
      grid: chart.horizontal ? { top: 64, left: 270, right: 40, bottom: 40 } : { top: 64, left: 80, right: 24, bottom: 96 },
      xAxis: chart.horizontal ? value : category,
      yAxis: chart.horizontal ? { ...category, inverse: true } : value,
      series: chart.series.map(s => ({ name: s.name, type: "bar", stack: s.stack, data: s.data,
                                        itemStyle: s.color ? { color: s.color } : undefined })),
    });
  }
}
