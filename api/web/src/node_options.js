// Choices for the pages' filters: the nodes of a type (channels, segments, metrics, teams) as
// [key, name] pairs, and a labelled <select> of them with an "any" choice first.
import { get } from './api.js';
import { h } from './dom.js';

// Nodes per request, and the most a select offers (a longer list is no use as a menu; the
// API's context filters take any key).
const pageSize = 500;
const maxChoices = 5000;

// Every node of `type` (up to maxChoices) as [key, name-or-key], page after page: the first 200
// alone left a program's 201st segment out of every filter without a word.
export async function nodeOptions(type) {
  const choices = [];
  let cursor = '';
  do {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (cursor) query.set('cursor', cursor);
    const answer = await get(`/v1/nodes/${encodeURIComponent(type)}?${query}`);
    for (const node of answer.nodes) choices.push([node.key, node.properties.name || node.key]);
    cursor = answer.next_cursor || '';
  } while (cursor && choices.length < maxChoices);
  return choices.slice(0, maxChoices);
}

// <select name=name> with `anyText` (value '') and the choices.
export function optionSelect(name, choices, anyText) {
  return h('select', { name }, h('option', { value: '' }, anyText),
    choices.map(([value, text]) => h('option', { value }, text)));
}
