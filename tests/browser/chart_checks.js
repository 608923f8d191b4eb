/* Chart checks of the browser tests, asked of the drawn Vega views (not of the DOM alone).

   Loaded by tests/browser/test_pages.py (every page of the book) and by
   tests/browser/test_chart_checks.py (the test of these checks, on deliberately broken charts).
   Evaluated as a function expression: `page.evaluate(<this file>, {minFontPx: 9})` returns

     {charts: [{id, problems: [{kind, detail}]}], page: [{kind, detail}]}

   Chart problems (kind):
     empty-layer       a layer whose data has rows draws no mark (view.data vs the scenegraph:
                       no item at a finite position, or only undefined points of a line)
     collapsed-series  a series-encoded (faceted) line/area layer draws fewer paths than its data
                       has distinct series values (a series field named `count` drew one of two)
     blank-tick        a tick the spec asks for (axis `values`) inside the scale domain has no
                       label, an empty one, or one hidden by label-overlap removal
     truncated         a text item (axis/legend label, title) is drawn cut short with "…"
     clipped           a text item lies partly outside the chart's SVG, so the reader sees it cut
                       (two legends side by side on a phone, a long axis title)
     tiny-text         a text item renders below minFontPx CSS px (font size x the SVG's scale on
                       the screen, and the rendered box height)
     chart-overflow    the drawing sticks out of its card and the card does not scroll
   Page problems:
     page-scroll       the page scrolls sideways (scrollWidth > clientWidth)
     table-overflow    a table is wider than the text column and no box around it scrolls

   Needs the chart runtime (src/scalinglaws/book/chart_runtime.js): window.scalinglawsCharts. */
(opts) => {
  opts = opts || {};
  const minFontPx = opts.minFontPx || 9;
  const vega = window.vegaEmbed && window.vegaEmbed.vega;
  const records = (window.scalinglawsCharts || []).filter((r) => r.view && r.el.isConnected);

  const TEXT_ROLES = /^(axis-label|axis-title|legend-label|legend-title|title-text|title-subtitle|mark)$/;

  function walk(item, visit) {
    // scenegraph: mark {marktype, name, role, items: [item]}; group items hold marks in .items
    visit(item);
    if (item.items) item.items.forEach((child) => walk(child, visit));
  }
  function marksNamed(root, name) {
    const out = [];
    walk(root, (n) => {
      if (n.marktype && n.name === name) out.push(n);
    });
    return out;
  }
  function textOf(item) {
    const t = item.text;
    if (t === undefined || t === null) return "";
    return Array.isArray(t) ? t.map(String).join("") : String(t);
  }
  // an item the renderer can place: finite position, not undefined for a line/area
  // (Vega-Lite keeps invalid rows of a line as undefined points: the line has items but no path)
  function placed(item) {
    if (item.defined === false) return false;
    const x = item.x === undefined ? 0 : item.x, y = item.y === undefined ? 0 : item.y;
    return Number.isFinite(x) && Number.isFinite(y);
  }
  function visible(item) {
    return item.opacity !== 0 && item.fillOpacity !== 0;
  }
  function dataRows(view, name) {
    try {
      return view.data(name) || [];
    } catch (e) {
      return null; // not a top-level dataset of this view
    }
  }
  function rootOf(vgData, name) {
    const byName = {};
    (vgData || []).forEach((d) => (byName[d.name] = d));
    let d = byName[name];
    const seen = new Set();
    while (d && d.source && byName[d.source] && !seen.has(d.name)) {
      seen.add(d.name);
      d = byName[d.source];
    }
    return d;
  }
  // every mark definition of the compiled Vega spec, with the data it is drawn from
  function markDefs(vgSpec) {
    const out = [];
    function visitMarks(marks, facet) {
      (marks || []).forEach((m) => {
        if (m.type === "group") {
          const f = m.from && m.from.facet;
          visitMarks(m.marks, f ? {group: m.name, data: f.data, groupby: [].concat(f.groupby || [])} : null);
        } else if (m.role !== "axis" && m.role !== "legend" && m.role !== "title") {
          out.push({name: m.name, type: m.type, data: m.from && m.from.data, facet: facet});
        }
      });
    }
    visitMarks(vgSpec.marks, null);
    return out;
  }
  function axisDefs(vgSpec) {
    const out = [];
    function visit(node) {
      (node.axes || []).forEach((a) => out.push(a));
      (node.marks || []).forEach((m) => m.type === "group" && visit(m));
    }
    visit(vgSpec);
    return out;
  }
  function scaleDomain(view, name) {
    try {
      const s = view.scale(name);
      return s ? s.domain() : null;
    } catch (e) {
      return null;
    }
  }
  function close(a, b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);
  }
  function fieldValue(row, f) {
    return vega && vega.field ? vega.field(f)(row) : row[f];
  }

  function checkLayers(rec, problems) {
    const view = rec.view, root = view.scenegraph().root, vg = rec.vgSpec;
    markDefs(vg).forEach((def) => {
      if (!def.name) return;
      const src = def.facet ? def.facet.data : def.data;
      if (!src) return;
      const rows = dataRows(view, src);
      const base = rootOf(vg.data, src);
      const baseRows = base && Array.isArray(base.values) ? base.values.length : rows ? rows.length : 0;
      const instances = marksNamed(root, def.name);
      const drawn = instances.reduce((n, m) => n + (m.items || []).filter(placed).length, 0);
      if ((baseRows > 0 || (rows && rows.length > 0)) && drawn === 0) {
        problems.push({
          kind: "empty-layer",
          detail: `${def.name} (${def.type}) draws no mark: ${baseRows} data rows, ${
            rows ? rows.length : "?"
          } after its transforms`,
        });
        return;
      }
      if (def.facet && (def.type === "line" || def.type === "area" || def.type === "trail") && rows) {
        const keys = new Set(rows.map((r) => JSON.stringify(def.facet.groupby.map((f) => fieldValue(r, f)))));
        const paths = marksNamed(root, def.facet.group).reduce(
          (n, g) => n + (g.items || []).filter((cell) => (cell.items || []).some((m) => (m.items || []).some(placed))).length,
          0
        );
        if (paths < keys.size) {
          problems.push({
            kind: "collapsed-series",
            detail: `${def.name} (${def.type}) draws ${paths} path(s) for ${keys.size} series of ${def.facet.groupby.join(", ")}`,
          });
        }
      }
    });
  }

  function checkTicks(rec, problems) {
    const view = rec.view, root = view.scenegraph().root;
    axisDefs(rec.vgSpec).forEach((axis) => {
      if (axis.labels === false || !Array.isArray(axis.values)) return;
      const labels = [];
      walk(root, (n) => {
        if (n.role === "axis" && n.items) {
          n.items.forEach((g) => {
            if (!g.datum || g.datum.scale !== axis.scale || !g.datum.labels) return;
            walk(g, (m) => m.role === "axis-label" && labels.push(...(m.items || [])));
          });
        }
      });
      const domain = scaleDomain(view, axis.scale);
      const hidden = [];
      axis.values.forEach((v) => {
        if (typeof v !== "number") return;
        if (domain && domain.length === 2 && typeof domain[0] === "number") {
          const lo = Math.min(domain[0], domain[1]), hi = Math.max(domain[0], domain[1]);
          if (v < lo * (1 - 1e-12) || v > hi * (1 + 1e-12)) return;
        }
        const found = labels.filter((l) => l.datum && close(+l.datum.value, v));
        if (!found.length) {
          if (domain) problems.push({kind: "blank-tick", detail: `${axis.scale} axis: no label at ${v}`});
          return;
        }
        // expected an empty label? only when the spec's own values make it so: labelExpr ... : ''
        // marks undecorated ticks; a tick is "asked for" only if some label of it is non-empty, so
        // compare with what the label expression intends: ticks between labelled decades are blank
        // on purpose (step > 1). Those are recognisable: their labels are blank AND the axis
        // labelled fewer values than it has; a value that should be labelled is one whose
        // decade is a multiple of the step from the first labelled one (see charts._log_axis).
        const intended = intendedLabels(axis, labels);
        if (intended && !intended.has(v)) return;
        if (found.every((l) => textOf(l).trim() === "")) {
          problems.push({kind: "blank-tick", detail: `${axis.scale} axis: tick ${v} has an empty label`});
        } else if (!found.some((l) => textOf(l).trim() !== "" && visible(l))) {
          hidden.push(v);
        }
      });
      // Label-overlap removal may thin a crowded axis to every other label (a phone); two
      // neighbouring labels hidden leave a reader without a decade to read.
      const asked = axis.values.filter((v) => typeof v === "number").sort((a, b) => a - b);
      const intended = intendedLabels(axis, labels);
      const labelled = intended ? asked.filter((v) => intended.has(v)) : asked;
      for (let i = 1; i < labelled.length; i++) {
        if (hidden.includes(labelled[i - 1]) && hidden.includes(labelled[i])) {
          problems.push({
            kind: "blank-tick",
            detail: `${axis.scale} axis: neighbouring ticks ${labelled[i - 1]} and ${labelled[i]} both have labels hidden by overlap`,
          });
        }
      }
    });
  }
  /* Which of an axis's requested values its label expression means to label. The book's decade
     axes (charts._log_axis) label every `step`-th decade and leave the others blank on purpose;
     the expression then names exactly the labelled values ("datum.value == 1e23 ? ..."). */
  function intendedLabels(axis, labels) {
    const enc = axis.encode && axis.encode.labels && axis.encode.labels.update && axis.encode.labels.update.text;
    const signal = enc && enc.signal;
    if (typeof signal !== "string") return null;
    const named = [...signal.matchAll(/datum\.value\s*==+\s*([0-9.eE+-]+)/g)].map((m) => +m[1]);
    if (!named.length) return null;
    return new Set(axis.values.filter((v) => named.some((n) => close(n, v))));
  }

  function checkText(rec, problems) {
    const root = rec.view.scenegraph().root;
    const svg = rec.el.querySelector("svg");
    const frame = svg ? svg.getBoundingClientRect() : null;
    walk(root, (n) => {
      if (n.marktype !== "text" || !TEXT_ROLES.test(n.role || "")) return;
      (n.items || []).forEach((item) => {
        const el = item._svg;
        const full = textOf(item);
        if (!el || !full.trim() || !visible(item)) return;
        const rendered = el.textContent;
        if (rendered.endsWith("…") && rendered !== full && !full.endsWith("…")) {
          problems.push({kind: "truncated", detail: `${n.role} "${full}" drawn as "${rendered}"`});
        }
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) return; // not laid out (hidden details)
        if (frame && frame.width > 0 &&
            (box.left < frame.left - 1 || box.right > frame.right + 1 ||
             box.top < frame.top - 1 || box.bottom > frame.bottom + 1)) {
          problems.push({kind: "clipped", detail: `${n.role} "${full.slice(0, 40)}" drawn at ` +
            `x ${box.left.toFixed(0)}-${box.right.toFixed(0)} in an SVG at ${frame.left.toFixed(0)}-${frame.right.toFixed(0)}`});
        }
        const ctm = el.getScreenCTM();
        const scale = ctm ? Math.hypot(ctm.a, ctm.b) : 1;
        const size = parseFloat(getComputedStyle(el).fontSize) * scale;
        // the rendered glyph box of one line is at least the font size (ascent + descent)
        const lines = Array.isArray(item.text) ? item.text.length : 1;
        const rotated = ctm && Math.abs(ctm.b) > Math.abs(ctm.a);
        const boxPx = (rotated ? box.width : box.height) / lines;
        const px = Math.min(size, boxPx > 0 ? boxPx : size);
        if (px < minFontPx) {
          problems.push({kind: "tiny-text", detail: `${n.role} "${full.slice(0, 40)}" at ${px.toFixed(1)} px`});
        }
      });
    });
  }

  function checkFit(rec, problems) {
    const card = rec.el.closest(".sl-chart-view") || rec.el;
    const svg = rec.el.querySelector("svg");
    if (!svg) return;
    const c = card.getBoundingClientRect(), s = svg.getBoundingClientRect();
    if (c.width === 0) return;
    const scrolls = /auto|scroll/.test(getComputedStyle(card).overflowX);
    if (s.width > card.clientWidth + 1 && !scrolls) {
      problems.push({kind: "chart-overflow", detail: `drawing ${s.width.toFixed(0)} px in a card of ${card.clientWidth} px`});
    }
  }

  const charts = records.map((rec) => {
    const problems = [];
    for (const check of [checkLayers, checkTicks, checkText, checkFit]) {
      try {
        check(rec, problems);
      } catch (e) {
        problems.push({kind: "check-error", detail: `${check.name}: ${e}`});
      }
    }
    return {id: rec.id, problems};
  });

  const page = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) {
    const wide = [...document.body.querySelectorAll("*")]
      .filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 1)
      .slice(0, 3)
      .map((e) => e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.split(" ")[0] : ""));
    page.push({kind: "page-scroll", detail: `scrollWidth ${doc.scrollWidth} > clientWidth ${doc.clientWidth} (${wide.join(", ")})`});
  }
  const article = document.querySelector(".bd-article") || document.querySelector("main") || document.body;
  const column = article.getBoundingClientRect();
  article.querySelectorAll("table").forEach((table, i) => {
    const t = table.getBoundingClientRect();
    if (t.width === 0 || t.width <= column.width + 1) return;
    let box = table.parentElement, ok = false;
    while (box && box !== article.parentElement) {
      const b = box.getBoundingClientRect();
      if (/auto|scroll/.test(getComputedStyle(box).overflowX) && b.width <= column.width + 1) {
        ok = true;
        break;
      }
      box = box.parentElement;
    }
    if (!ok) {
      const head = (table.querySelector("th") || table).textContent.trim().slice(0, 30);
      page.push({kind: "table-overflow", detail: `table ${i} ("${head}") ${t.width.toFixed(0)} px in a ${column.width.toFixed(0)} px column`});
    }
  });
  return {charts, page};
}
