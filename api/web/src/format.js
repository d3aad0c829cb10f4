// Number formats shared by the pages: lifts as signed percentages, p-values, dates.

export function percent(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '';
  return `${sign}${Math.abs(value * 100).toFixed(digits)}%`;
}

export function interval(low, high, digits = 1) {
  if (low === null || low === undefined || high === null || high === undefined) return '';
  return `[${percent(low, digits)}, ${percent(high, digits)}]`;
}

export function probability(value) {
  if (value === null || value === undefined) return '—';
  return `${Math.round(value * 100)}%`;
}

export function pValue(value) {
  if (value === null || value === undefined) return '—';
  return value < 0.001 ? 'p < 0.001' : `p = ${value.toFixed(3)}`;
}

// `text` in at most `room` characters, the middle left out: names that differ only at their end
// ("Upworthy headline test 53e0…", "… segment Hillstrom: purchased via Web") stay apart.
export function shorten(text, room) {
  const value = String(text);
  if (value.length <= room) return value;
  const head = Math.ceil((room - 1) * 0.45);
  return `${value.slice(0, head)}…${value.slice(value.length - (room - 1 - head))}`;
}

export function date(value) {
  if (!value) return '';
  return String(value).slice(0, 10);
}

// The outcome a lift and its interval show: won (interval above zero), lost (below), or
// inconclusive (the interval crosses zero).
export function outcomeOf(result) {
  if (!result || result.ci_low === null || result.ci_low === undefined) return 'unknown';
  if (result.ci_low > 0) return 'won';
  if (result.ci_high < 0) return 'lost';
  return 'inconclusive';
}
