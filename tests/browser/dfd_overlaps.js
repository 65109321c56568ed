// Measures the data-flow diagrams of the page in the live DOM and returns a
// list of problems (empty when the diagrams are readable):
// - a flow label's box overlapping another label, a component box, a zone
//   title, or the line of a flow other than its own (sampled every 2 units
//   with getPointAtLength);
// - a component box overlapping another or leaving its zone;
// - a label smaller than 11 CSS px on screen.
// Run in a page with `(() => { ... })()`: evaluates to an array of strings.
(() => {
  const problems = [];
  const inter = (a, b, pad = 0) =>
    a.x < b.x + b.width - pad && b.x < a.x + a.width - pad &&
    a.y < b.y + b.height - pad && b.y < a.y + a.height - pad;
  const inside = (p, r) => p.x > r.x + 0.5 && p.x < r.x + r.width - 0.5 && p.y > r.y + 0.5 && p.y < r.y + r.height - 0.5;
  for (const svg of document.querySelectorAll('.dfd-scroll svg.dfd')) {
    const name = svg.getAttribute('aria-labelledby');
    // On-screen size of one diagram unit.
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const labels = Array.from(svg.querySelectorAll('.flow-label'), g => ({
      flow: g.dataset.flow, box: g.querySelector('rect').getBBox(),
      px: parseFloat(getComputedStyle(g.querySelector(':scope > text')).fontSize) * scale,
    }));
    const nodes = Array.from(svg.querySelectorAll('.node .body'), r => ({
      key: r.closest('.node').dataset.node, zone: r.closest('.node').dataset.zone, box: r.getBBox(),
    }));
    const zones = Array.from(svg.querySelectorAll('.zone'), g => ({
      zone: g.dataset.zone, box: g.querySelector('rect').getBBox(), title: g.querySelector('text').getBBox(),
    }));
    const lines = Array.from(svg.querySelectorAll('a.edge path'), p => {
      const len = p.getTotalLength();
      const pts = [];
      for (let s = 0; s <= len; s += 2) pts.push(p.getPointAtLength(s));
      return { flow: p.closest('a.edge').dataset.flow, pts };
    });
    labels.forEach((l, i) => {
      if (l.px < 11) problems.push(`${name}: label of ${l.flow} is ${l.px.toFixed(1)} px`);
      labels.slice(i + 1).forEach(o => { if (inter(l.box, o.box)) problems.push(`${name}: labels of ${l.flow} and ${o.flow} overlap`); });
      nodes.forEach(n => { if (inter(l.box, n.box)) problems.push(`${name}: label of ${l.flow} covers box ${n.key}`); });
      zones.forEach(z => { if (inter(l.box, z.title)) problems.push(`${name}: label of ${l.flow} covers the title of zone ${z.zone}`); });
      lines.forEach(f => {
        if (f.flow !== l.flow && f.pts.some(p => inside(p, l.box))) problems.push(`${name}: label of ${l.flow} lies on the line of ${f.flow}`);
      });
    });
    nodes.forEach((n, i) => {
      nodes.slice(i + 1).forEach(o => { if (inter(n.box, o.box)) problems.push(`${name}: boxes ${n.key} and ${o.key} overlap`); });
      const z = zones.find(z => z.zone === n.zone);
      if (z && !(n.box.x > z.box.x && n.box.y > z.box.y && n.box.x + n.box.width < z.box.x + z.box.width && n.box.y + n.box.height < z.box.y + z.box.height)) {
        problems.push(`${name}: box ${n.key} leaves zone ${n.zone}`);
      }
    });
  }
  return problems;
})()
