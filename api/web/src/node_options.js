// Choices for the pages' filters: the nodes of a type (channels, segments, metrics, teams) as
// [key, name] pairs, and a labelled <select> of them with an "any" choice first.
import { get } from './api.js';
import { h } from './dom.js';

// The first 200 nodes of `type` as [key, name-or-key].
export async function nodeOptions(type) {
  const answer = await get(`/v1/nodes/${encodeURIComponent(type)}?limit=200`);
  return answer.nodes.map((node) => [node.key, node.properties.name || node.key]);
}

// <select name=name> with `anyText` (value '') and the choices.
export function optionSelect(name, choices, anyText) {
  return h('select', { name }, h('option', { value: '' }, anyText),
    choices.map(([value, text]) => h('option', { value }, text)));
}
