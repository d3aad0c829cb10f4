// The neighbourhood of a node as an interactive graph (Cytoscape.js): nodes coloured by type,
// edges labelled with their type. `onSelect(node)` runs when a node is tapped or chosen with
// the keyboard list that goes with the canvas.
import cytoscape from 'cytoscape';
import { h } from './dom.js';
import { shorten } from './format.js';

const typeColours = {
  Experiment: '#2563eb', Hypothesis: '#7c3aed', Variant: '#0891b2', Result: '#16a34a',
  Learning: '#ca8a04', Asset: '#db2777', Channel: '#ea580c', Segment: '#4b5563',
  Metric: '#0d9488', Team: '#9333ea', DataSource: '#64748b', Campaign: '#b45309',
};

// Above this many nodes the force-directed layout (cose, quadratic in the nodes per step) held
// the page for seconds (2.8 s for the 239 nodes around the Hillstrom test); rings by degree
// are drawn in milliseconds.
const forceLayoutLimit = 80;
// Above this many edges their type labels are left out: along hundreds of edges they overlap
// into a grey mass (a node's page and the explorer name them).
const edgeLabelLimit = 150;

export function nodeId(node) {
  return `${node.type}/${node.key}`;
}

export function nodeLabel(node) {
  const p = node.properties || {};
  const text = p.name || p.statement || p.text || node.key;
  return shorten(text, 38);
}

// graph: {nodes: [{type, key, properties}], edges: [{from, to, type}]}
// The view must be in the page before the first add(): Cytoscape measures its container.
export function graphView({ onSelect, label = 'Neighbourhood graph' } = {}) {
  const container = h('div', { class: 'graph-canvas', role: 'img', 'aria-label': `${label}; the list below names the same nodes` });
  let cy = null;
  const style = [
    {
      selector: 'node',
      style: {
        'background-color': (element) => typeColours[element.data('type')] || '#6b7280',
        label: 'data(label)',
        'font-size': 9,
        'text-wrap': 'ellipsis',
        'text-max-width': 120,
        'text-valign': 'bottom',
        'text-margin-y': 3,
        width: 16,
        height: 16,
      },
    },
    { selector: 'node.root', style: { width: 26, height: 26, 'border-width': 3, 'border-color': '#111827' } },
    { selector: 'edge.unlabelled', style: { label: '' } },
    {
      selector: 'edge',
      style: {
        width: 1.2,
        'line-color': '#cbd5e1',
        'target-arrow-color': '#94a3b8',
        'target-arrow-shape': 'triangle',
        'curve-style': 'bezier',
        label: 'data(type)',
        'font-size': 7,
        color: '#64748b',
        'text-rotation': 'autorotate',
      },
    },
  ];
  const list = h('ul', { class: 'graph-list', 'aria-label': `${label}: nodes` });
  const view = h('div', { class: 'graph-view' }, container,
    h('details', {}, h('summary', {}, 'Nodes as a list'), list));

  function add(subgraph, root) {
    if (!cy) {
      cy = cytoscape({ container, elements: [], style, layout: { name: 'preset' } });
      cy.on('tap', 'node', (event) => onSelect && onSelect(event.target.data('node')));
      view.cy = cy;
    }
    const added = [];
    for (const node of subgraph.nodes) {
      const id = nodeId(node);
      if (cy.getElementById(id).nonempty()) continue;
      added.push({ group: 'nodes', data: { id, type: node.type, key: node.key, label: nodeLabel(node), node } });
      list.appendChild(h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => onSelect && onSelect(node) },
        `${node.type}: ${nodeLabel(node)}`)));
    }
    for (const edge of subgraph.edges) {
      const id = `${edge.from}-${edge.type}-${edge.to}`;
      if (cy.getElementById(id).nonempty()) continue;
      added.push({ group: 'edges', data: { id, source: edge.from, target: edge.to, type: edge.type } });
    }
    cy.add(added.filter((element) => element.group === 'nodes'));
    cy.add(added.filter((element) => element.group === 'edges' &&
      cy.getElementById(element.data.source).nonempty() && cy.getElementById(element.data.target).nonempty()));
    if (root) cy.getElementById(root).addClass('root');
    if (cy.edges().length > edgeLabelLimit) cy.edges().addClass('unlabelled');
    const layout = cy.nodes().length > forceLayoutLimit
      ? { name: 'concentric', animate: false, fit: true, padding: 20, minNodeSpacing: 6 }
      : { name: 'cose', animate: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 70, fit: true, padding: 20 };
    cy.layout(layout).run();
  }
  view.add = add;
  return view;
}
