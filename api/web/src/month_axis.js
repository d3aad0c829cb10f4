// The program page's months as one continuous axis. GET /v1/stats/program lists only the months
// with activity, so a chart drawn from it alone would put March next to June as if April and May
// had not happened. A month without activity is a month of zero experiments started and
// concluded; its rates and days have no value (nothing concluded), drawn as a gap, not as zero.

// Longest axis drawn from the filter's range (50 years); a wider range falls back to the months
// from the first to the last with activity.
const maxRangeMonths = 600;

// 'YYYY-MM' of a 'YYYY-MM-DD' date or of a month.
const monthOf = (text) => text.slice(0, 7);

function nextMonth(month) {
  const [year, number] = month.split('-').map(Number);
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
}

function monthsFrom(first, last) {
  const months = [];
  for (let month = first; month <= last && months.length <= maxRangeMonths; month = nextMonth(month)) {
    months.push(month);
  }
  return months;
}

// A month the server did not list: counts are zero, rates and days have no value.
function quietMonth(month) {
  return {
    month, started: 0, concluded: 0, wins: 0, win_rate: null, with_learning: 0, learning_share: null,
    decisions_timed: 0, median_days_approval_to_decision: null,
  };
}

// `rows`: the answer's `months` (ascending, only months with activity). `from` and `to`: the
// filter's dates ('' when unset); the axis covers them when set (up to the month `today` falls
// in: months still to come are not "quiet"), else the months from the first to the last with
// activity. Returns one row per month, the server's where it has one.
export function continuousMonths(rows, { from = '', to = '', today = new Date().toISOString() } = {}) {
  if (!rows.length) return [];
  const active = new Map(rows.map((row) => [row.month, row]));
  let first = rows[0].month;
  let last = rows[rows.length - 1].month;
  if (from && monthOf(from) < first) first = monthOf(from);
  if (to) {
    const end = monthOf(to) < monthOf(today) ? monthOf(to) : monthOf(today);
    if (end > last) last = end;
  }
  let months = monthsFrom(first, last);
  if (months.length > maxRangeMonths) months = monthsFrom(rows[0].month, rows[rows.length - 1].month);
  return months.map((month) => active.get(month) || quietMonth(month));
}
