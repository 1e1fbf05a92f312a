// Bar charts with the vendored ECharts: one card per chart, drawn into `holder`.
// Each chart is {title, labels, series: [{name, data, stack?, color?}], unit?, horizontal?, truncate?}; the unit (万元 unless
// given: 亿元, 家, %) names the value axis and follows each value in the tooltip; a chart without labels
// is left out. A horizontal chart (long labels: measures, groups) grows a row per label. On a narrow card (a
// phone) the legend goes under the chart, the labels take less room, and a chart of many or long labels lies on its
// side as well; there a chart that asks to (``truncate``: long names, such as measures') cuts each label to two
// lines with an ellipsis, its full name in the tooltip, so the bars keep most of the width and a row stays short.
// The HTML reports inline this file, so it must need nothing but ECharts.
// A label on a phone: a document number (辽政办〔2022〕35号) that leads it is kept whole on a line of its own, the rest
// after it (one that follows a measure, 措施11 … · 辽政办〔2022〕35号, stays where it is: cut first on a phone).
const NUMBER_FIRST = /^([^\s·]*〔\d{4}〕\d+号)\s*/;
const wrapped = label => String(label).replace(NUMBER_FIRST, "$1\n");

// What a screen reader says for a chart: its title, then each label's values (the first twenty; the table below
// the chart lists them all).
function spoken(chart) {
  const unit = chart.unit || "万元";
  const shown = chart.labels.slice(0, 20).map((label, i) => label + " " + chart.series
    .map(s => s.name + " " + (s.data[i] === null || s.data[i] === undefined ? "—" : s.data[i] + unit)).join("，"));
  const more = chart.labels.length > 20 ? "；另有 " + (chart.labels.length - 20) + " 项" : "";
  return chart.title + "：" + shown.join("；") + more;
}

function huiqiBars(holder, charts) {
  for (const chart of charts) {
    if (!chart.labels.length) continue;
    const box = document.createElement("div");
    box.className = "chart card";
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", spoken(chart));
    holder.appendChild(box);
    const narrow = box.clientWidth < 640;
    const longest = Math.max(...chart.labels.map(l => String(l).length));
    // On a phone a chart of many or long labels lies on its side too: rotated labels would overlap.
    const horizontal = chart.horizontal || (narrow && (chart.labels.length > 6 || longest > 4));
    const unit = chart.unit || "万元";
    const cut = narrow && chart.truncate;  // two lines a label at most, the full name in the tooltip
    // on a phone 辽政办〔2022〕35号 fits one line
    const labelWidth = cut ? Math.min(124, Math.round(box.clientWidth * 0.3)) : narrow ? 124 : 250;
    const titleLines = Math.ceil(chart.title.length * 14 / Math.max(box.clientWidth - 32, 100));
    const legendRows = narrow ? Math.ceil(chart.series.length / 2) : 1;
    const titled = 12 + 22 * titleLines;  // the title's lines; on a wide card the legend goes under them, never over
    const top = titled + (narrow ? 24 : 28 + 32);  // the title, the legend (wide), then the value axis' name
    const bottom = narrow ? 16 + 24 * legendRows : 0;
    if (horizontal) {  // a row per label, tall enough for its bars and its label's lines
      const bars = chart.series.filter(s => !s.stack).length || 1;
      // the number on a line of its own on a phone (a row no taller where no label leads with one: cities,
      // industries); two lines at most where labels are cut
      const numbered = narrow && chart.labels.some(l => NUMBER_FIRST.test(String(l)));
      const lines = Math.min(Math.ceil(longest * 12 / labelWidth) + (numbered ? 1 : 0), cut ? 2 : Infinity);
      const row = Math.max(28, 10 * bars + 12, 15 * lines + 8);
      box.style.height = (top + bottom + 48 + row * chart.labels.length) + "px";
    }
    // The value axis is named by its unit, unless on a phone the title names it already (the name would crowd it).
    const value = { type: "value", name: narrow && chart.title.includes(unit) ? "" : unit,
                    splitNumber: narrow && horizontal ? 3 : undefined };  // a phone's values apart, not run together
    const category = { type: "category", data: chart.labels,
                       axisLabel: horizontal ? { width: labelWidth, overflow: "break", lineHeight: 14,
                                                 formatter: narrow ? wrapped : undefined,
                                                 ...(cut ? { height: 28, lineOverflow: "truncate", ellipsis: "…" } : {}) }
                                             : { rotate: 40, interval: 0, width: 140, overflow: "truncate" } };
    const instance = echarts.init(box, null, { renderer: "svg" });
    instance.setOption({
      animation: false,
      title: { text: chart.title, textStyle: { fontSize: 14, width: Math.max(box.clientWidth - 32, 100), overflow: "break" } },
      tooltip: { trigger: "axis", confine: true,
                 valueFormatter: v => (v === undefined || v === null ? "—" : v + " " + unit) },
      legend: narrow ? { bottom: 4, left: "center", itemWidth: 14, itemGap: 8 } : { top: titled, left: "right" },
      grid: horizontal ? { top: top, left: labelWidth + 20, right: narrow ? 32 : 40, bottom: bottom + 24 }
                             : { top: top, left: narrow ? 52 : 80, right: 24, bottom: bottom + (narrow ? 60 : 80) },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? { ...category, inverse: true } : value,
      series: chart.series.map(s => ({ name: s.name, type: "bar", stack: s.stack, data: s.data,
                                        itemStyle: s.color ? { color: s.color } : undefined })),
    });
    window.addEventListener("resize", () => instance.resize());
  }
}
