// A chart over months with Chart.js, for the program page: bars for counts, lines for rates and
// days. The same numbers go into a table beside it (folded), for screen readers and copying.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController,
  LineElement, PointElement, Tooltip,
} from 'chart.js';
import { h } from './dom.js';

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController,
  LineElement, PointElement, Tooltip);

// months: ['2024-01', ...]; series: [{label, values: [number or null per month], colour}];
// `format(value)` writes a value for the axis, the tooltip and the table; `max` caps the axis
// (1 for shares). A null value is a month without that figure: no point, '—' in the table.
export function monthChart(months, series, { title, kind = 'bar', format = String, max, yTitle }) {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}: chart; the table below has the numbers` });
  const box = h('div', { class: 'chart-box month-chart' }, canvas);
  const chart = new Chart(canvas, {
    type: kind,
    data: {
      labels: months,
      datasets: series.map((s) => ({
        label: s.label,
        data: s.values,
        backgroundColor: s.colour,
        borderColor: s.colour,
        borderWidth: kind === 'line' ? 2 : 0,
        pointRadius: kind === 'line' ? 3 : 0,
        spanGaps: false,
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'category', grid: { display: false } },
        y: {
          type: 'linear',
          beginAtZero: true,
          max,
          ticks: { callback: (value) => format(value) },
          title: yTitle ? { display: true, text: yTitle } : undefined,
        },
      },
      plugins: {
        legend: { display: series.length > 1, position: 'bottom' },
        tooltip: { callbacks: { label: (context) => `${context.dataset.label}: ${format(context.parsed.y)}` } },
      },
    },
  });
  const table = h('details', { class: 'numbers' }, h('summary', {}, `${title}: the numbers`),
    h('div', { class: 'table-scroll' }, h('table', {},
      h('caption', {}, title),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'month'), series.map((s) => h('th', { scope: 'col' }, s.label)))),
      h('tbody', {}, months.map((month, i) => h('tr', {}, h('th', { scope: 'row' }, month),
        series.map((s) => h('td', {}, s.values[i] === null || s.values[i] === undefined ? '—' : format(s.values[i])))))))));
  const wrapper = h('figure', { class: 'month-figure' }, h('figcaption', {}, title), box, table);
  wrapper.chart = chart;
  return wrapper;
}
