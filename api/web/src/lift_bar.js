// The lift bar: a result's interval drawn as a bar on a scale centred on zero, with the point
// estimate as a tick, so a card shows at a glance whether a test won, lost or was unclear.
import { h } from './dom.js';
import { interval, outcomeOf, percent } from './format.js';

// The scale runs from -range to +range (clipped beyond, marked with an arrow).
const range = 1.0;

function position(value) {
  const clipped = Math.max(-range, Math.min(range, value));
  return ((clipped + range) / (2 * range)) * 100;
}

export function liftBar(result) {
  if (!result || result.lift === null || result.lift === undefined) {
    return h('div', { class: 'lift-bar empty' }, 'no result yet');
  }
  const outcome = outcomeOf(result);
  const low = result.ci_low ?? result.lift;
  const high = result.ci_high ?? result.lift;
  const label = `Lift ${percent(result.lift)}, 95% interval ${interval(low, high)}: ${outcome}`;
  const bar = h('span', { class: `interval ${outcome}` });
  bar.style.left = `${position(low)}%`;
  bar.style.width = `${Math.max(0.8, position(high) - position(low))}%`;
  const tick = h('span', { class: 'estimate' });
  tick.style.left = `${position(result.lift)}%`;
  return h(
    'div',
    { class: 'lift', role: 'img', 'aria-label': label, title: label },
    h('div', { class: 'lift-bar' }, h('span', { class: 'zero' }), bar, tick),
    h(
      'span',
      { class: `lift-text ${outcome}` },
      percent(result.lift),
      ' ',
      h('span', { class: 'muted' }, interval(low, high)),
    ),
  );
}
