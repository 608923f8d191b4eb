/* scalinglaws chart runtime: appended to the vega bundle (charts.vega_bundle_js), so it is loaded
   exactly where charts are. It wraps window.vegaEmbed once and keeps every drawn Vega view:

     window.scalinglawsViews[id]  -> array of vega View objects drawn for the chart with that
                                     data-sl-id (a chart may be shown more than once on a page);
                                     a re-draw (theme switch, new width) replaces its own entry
     window.scalinglawsCharts     -> one record per drawn chart: {id, el, spec, view, vgSpec, dark, fit, stack}
                                     (vgSpec: the compiled Vega spec of the drawing now shown)
     "sl-chart-drawn" event       -> dispatched on document after each (re-)draw,
                                     detail = {id: <data-sl-id>, view: <View>}
     figure[data-sl-state]        -> "drawing" while a chart is being (re-)drawn, "drawn" when done

   Readable everywhere:
   * Theme: the page's theme switch (pydata-sphinx-theme sets <html data-theme="dark|light">) is
     followed live: a MutationObserver re-draws every chart with the dark or light colours.
     The dark colours replace the light theme's (charts._theme) colour by colour, in the spec's
     config and in colours a figure sets itself (e.g. charts.PALETTE[6], black).
   * Width: a single or layered chart wider than its card (a phone) is re-drawn at the card's width
     (autosize "fit-x": axes, legend and plot shrink together, text keeps its size; legends move
     below the plot and a long title wraps). Side-by-side panels (hconcat) are stacked one
     above the other; other concatenated or faceted charts keep their natural size and scroll
     inside the card (custom.css). Re-fitted when the window is resized.

   The browser tests (tests/browser) ask these views for their scenegraph (chart_checks.js), and
   the calculators' tests drive their parameters through them. */
(function () {
  if (!window.vegaEmbed || window.vegaEmbed.__scalinglaws) return;
  var embed = window.vegaEmbed;
  var views = (window.scalinglawsViews = window.scalinglawsViews || {});
  var records = (window.scalinglawsCharts = window.scalinglawsCharts || []);

  /* Light theme colour (charts.py: PALETTE, _TEXT, _MUTED, _GRID, _DOMAIN, reasoning's extras)
     -> its dark-mode counterpart, chosen for >= 3:1 contrast on the dark card (#1d2127). */
  var DARK_COLOURS = {
    "#0072b2": "#2b8cd8", // blue: 3.1:1 -> 4.5:1
    "#000000": "#e8e8e8", // black (neutral curves, rules) -> near white
    "#222222": "#e8e8e8", // text
    "#555555": "#c4c9ce", // muted text, reference rules
    "#888888": "#9aa0a6", // axis domain, ticks
    "#e3e3e3": "#3b4148", // grid, view outline
    "#882255": "#d05c9a", // wine (1.9:1)
    "#aa4499": "#c77dc0"
  };
  var DARK_CARD = "#1d2127";

  function isDark() {
    return document.documentElement.getAttribute("data-theme") === "dark";
  }
  function nodeOf(el) {
    return typeof el === "string" ? document.querySelector(el) : el;
  }
  function chartId(node, el) {
    var fig = node && node.closest ? node.closest("figure.sl-chart") : null;
    return fig ? fig.getAttribute("data-sl-id") : (node && node.id) || String(el);
  }
  function clone(x) {
    return JSON.parse(JSON.stringify(x));
  }
  function recolour(obj) {
    if (Array.isArray(obj)) return obj.map(recolour);
    if (obj && typeof obj === "object") {
      var out = {};
      for (var k in obj) {
        // data are never recoloured (a row may hold any string)
        out[k] = k === "datasets" || k === "values" || k === "data" ? obj[k] : recolour(obj[k]);
      }
      return out;
    }
    if (typeof obj === "string" && Object.prototype.hasOwnProperty.call(DARK_COLOURS, obj.toLowerCase()))
      return DARK_COLOURS[obj.toLowerCase()];
    return obj;
  }
  function fittable(spec) {
    // a single view or a layer, without facets: its width can be set directly
    var keys = ["hconcat", "vconcat", "concat", "facet", "repeat"];
    for (var i = 0; i < keys.length; i++) if (spec[keys[i]]) return false;
    var enc = spec.encoding || {};
    return !(enc.row || enc.column || enc.facet);
  }
  var FONT = null; // the charts' font (config.font of the spec being prepared)
  function stackable(spec) {
    // panels side by side, each a single view or a layer
    return Array.isArray(spec.hconcat) && spec.hconcat.every(fittable);
  }
  function textWidth(text, size, weight) {
    var ctx = (textWidth.ctx = textWidth.ctx || document.createElement("canvas").getContext("2d"));
    ctx.font = (weight || "normal") + " " + size + "px " + (FONT || getComputedStyle(document.body).fontFamily);
    return ctx.measureText(text).width;
  }
  function wrapWords(text, width, size, weight) {
    var words = String(text).split(/\s+/), lines = [], line = "";
    for (var i = 0; i < words.length; i++) {
      var next = line ? line + " " + words[i] : words[i];
      if (line && textWidth(next, size, weight) > width) {
        lines.push(line);
        line = words[i];
      } else line = next;
    }
    if (line) lines.push(line);
    return lines;
  }
  /* The spec as drawn now: theme colours, and (on a narrow card) fitted to the card's width. */
  function prepare(rec) {
    var spec = clone(rec.spec);
    if (rec.dark) {
      spec = recolour(spec);
      spec.background = "transparent";
    }
    if (rec.stack) {
      // side-by-side panels on a narrow card: one above the other, each as wide as fits
      spec.vconcat = spec.hconcat;
      delete spec.hconcat;
      spec.vconcat.forEach(function (child) {
        var natural = typeof child.width === "number" ? child.width : 300;
        child.width = Math.max(120, Math.min(natural, rec.stack - 90));
      });
    }
    var w = rec.fit || rec.stack;
    if (rec.fit) {
      spec.width = w;
      spec.autosize = {type: "fit-x", contains: "padding"};
    }
    if (w) {
      var config = (spec.config = spec.config || {});
      FONT = config.font || null;
      var legend = (config.legend = config.legend || {});
      legend.orient = "bottom";
      legend.direction = "vertical";
      // a bottom legend starts at the plot's left edge, after the y axis (~70 px), and its symbol,
      // offsets and padding take ~40 px more
      legend.labelLimit = Math.max(60, w - 110);
      legend.titleLimit = Math.max(60, w - 80);
      // several legends stack (one above the other) instead of standing side by side
      legend.layout = {bottom: {direction: "vertical", anchor: "start"}};
      var title = spec.title, tconf = config.title || {};
      var size = tconf.fontSize || 13, weight = tconf.fontWeight || "bold";
      if (typeof title === "string") spec.title = {text: wrapWords(title, w - 8, size, weight)};
      else if (title && typeof title.text === "string")
        title.text = wrapWords(title.text, w - 8, size, weight);
      var axis = (config.axis = config.axis || {});
      axis.labelOverlap = "parity"; // thin crowded decade labels: every other one stays
      axis.labelSeparation = 4;
      var height = typeof spec.height === "number" ? spec.height : (config.view && config.view.continuousHeight) || 300;
      wrapTexts(spec, w - 70, height, legend.labelLimit, config);
      stripWidths(spec.layer);
    }
    return spec;
  }
  var LEGEND_CHANNELS = ["color", "fill", "stroke", "shape", "strokeDash", "opacity", "size"];
  function sizeOf(conf, key, fallback) {
    return (conf && conf[key]) || fallback;
  }
  /* On a narrow card: axis titles wrap to the plot's width (x) or height (y), and legend labels
     longer than the legend's width wrap onto more lines (never cut with "…"). */
  function wrapTexts(spec, plotWidth, plotHeight, labelLimit, config) {
    var aconf = config.axis || {}, lconf = config.legend || {};
    var tsize = sizeOf(aconf, "titleFontSize", 11), lsize = sizeOf(lconf, "labelFontSize", 10);
    function wrapTitle(holder, key, width) {
      if (typeof holder[key] === "string" && textWidth(holder[key], tsize) > width)
        holder[key] = wrapWords(holder[key], width, tsize);
    }
    (function visit(node) {
      if (Array.isArray(node)) return node.forEach(visit);
      if (!node || typeof node !== "object") return;
      var enc = node.encoding;
      if (enc && typeof enc === "object") {
        ["x", "y"].forEach(function (ch) {
          var e = enc[ch];
          if (!e || typeof e !== "object") return;
          var width = ch === "x" ? plotWidth : plotHeight - 10;
          wrapTitle(e, "title", width);
          if (e.axis && typeof e.axis === "object") wrapTitle(e.axis, "title", width);
        });
        LEGEND_CHANNELS.forEach(function (ch) {
          var e = enc[ch];
          if (!e || typeof e !== "object" || !e.field || e.legend === null) return;
          var long = {};
          legendValues(spec, e).forEach(function (v) {
            var text = String(v);
            if (textWidth(text, lsize) > labelLimit - 4) long[text] = wrapWords(text, labelLimit - 4, lsize);
          });
          var keys = Object.keys(long);
          if (!keys.length) return;
          var expr = keys
            .map(function (k) {
              return "datum.label === " + JSON.stringify(k) + " ? " + JSON.stringify(long[k]) + " : ";
            })
            .join("") + "datum.label";
          e.legend = Object.assign({}, e.legend || {}, {labelExpr: expr});
        });
      }
      for (var k in node) if (k !== "datasets" && k !== "data" && k !== "encoding") visit(node[k]);
    })(spec);
  }
  /* Values of a nominal legend field, from the spec's inline data (strings as drawn). */
  function legendValues(spec, enc) {
    if (enc.type && enc.type !== "nominal" && enc.type !== "ordinal") return [];
    var field = String(enc.field).replace(/\\(.)/g, "$1"), out = {};
    var sets = spec.datasets || {};
    for (var name in sets) {
      (sets[name] || []).forEach(function (row) {
        if (row && Object.prototype.hasOwnProperty.call(row, field)) out[String(row[field])] = true;
      });
    }
    return Object.keys(out);
  }
  function stripWidths(layers) {
    // a layer's own width would fight the fitted top-level width
    (layers || []).forEach(function (l) {
      delete l.width;
      stripWidths(l.layer);
    });
  }
  /* Width available inside the chart's card (content box). */
  function available(rec) {
    var card = rec.el.closest(".sl-chart-view") || rec.el;
    var cs = getComputedStyle(card);
    var w = card.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    return Math.floor(w);
  }
  function drawnWidth(result) {
    var svg = result.view.container() && result.view.container().querySelector("svg");
    return svg ? parseFloat(svg.getAttribute("width")) : result.view.width();
  }
  function setState(rec, state) {
    var fig = rec.el.closest ? rec.el.closest("figure.sl-chart") : null;
    if (fig) fig.setAttribute("data-sl-state", state);
  }

  function render(rec) {
    var token = (rec.token = (rec.token || 0) + 1);
    setState(rec, "drawing");
    var kept = null;
    if (rec.result) {
      kept = keptState(rec);
      rec.result.finalize();
      rec.result = null;
    }
    rec.el.innerHTML = "";
    return embed(rec.el, prepare(rec), rec.opts).then(function (result) {
      if (token !== rec.token) return result; // superseded by a later re-draw
      if (kept) {
        try {
          result.view.setState(kept);
          result.view.runAsync();
        } catch (err) {
          console.warn("scalinglaws chart " + rec.id + ": could not restore its controls", err);
        }
      }
      rec.result = result;
      rec.view = result.view;
      rec.vgSpec = result.vgSpec;
      var list = (views[rec.id] = views[rec.id] || []);
      if (rec.slot === undefined) rec.slot = list.push(result.view) - 1;
      else list[rec.slot] = result.view;
      if (!rec.fit && !rec.stack && (fittable(rec.spec) || stackable(rec.spec))) {
        var avail = available(rec);
        if (avail > 0 && drawnWidth(result) > avail + 1) {
          if (fittable(rec.spec)) rec.fit = avail;
          else rec.stack = avail;
          return render(rec);
        }
      }
      setState(rec, "drawn");
      document.dispatchEvent(new CustomEvent("sl-chart-drawn", {detail: {id: rec.id, view: result.view}}));
      return result;
    });
  }

  /* The values of a chart's variable parameters (sliders, drop-downs of a calculator), so that a
     re-draw (theme switch, new width) keeps what the reader set. */
  function paramNames(spec, out) {
    out = out || {};
    (spec.params || []).forEach(function (p) {
      if (p && p.name && !p.select) out[p.name] = true;
    });
    ["layer", "hconcat", "vconcat", "concat"].forEach(function (k) {
      (spec[k] || []).forEach(function (child) {
        paramNames(child, out);
      });
    });
    return out;
  }
  function keptState(rec) {
    var names = paramNames(rec.spec);
    if (!Object.keys(names).length) return null;
    try {
      return rec.result.view.getState({
        signals: function (name) {
          return names[name] === true;
        },
        data: function () {
          return false;
        },
        recurse: true
      });
    } catch (err) {
      return null;
    }
  }

  var wrapped = function (el, spec, opts) {
    var node = nodeOf(el);
    var vegaSpec = (opts && opts.mode === "vega") || (spec && /\/vega\/v/.test(spec.$schema || ""));
    if (!node || !node.closest || !spec || typeof spec !== "object" || vegaSpec)
      return embed(el, spec, opts); // not a book chart (or a Vega spec): draw as given
    var rec = {id: chartId(node, el), el: node, spec: spec, opts: opts || {}, dark: isDark(), fit: null};
    records.push(rec);
    return render(rec).catch(function (err) {
      setState(rec, "failed");
      throw err;
    });
  };
  for (var k in embed) if (Object.prototype.hasOwnProperty.call(embed, k)) wrapped[k] = embed[k];
  wrapped.__scalinglaws = true;
  wrapped.darkColours = DARK_COLOURS;
  wrapped.darkCard = DARK_CARD;
  window.vegaEmbed = wrapped;

  /* Follow the page's theme switch live. */
  new MutationObserver(function () {
    var dark = isDark();
    records.forEach(function (rec) {
      if (rec.dark !== dark && rec.el.isConnected) {
        rec.dark = dark;
        render(rec).catch(function (err) {
          console.error("scalinglaws chart " + rec.id + ":", err);
        });
      }
    });
  }).observe(document.documentElement, {attributes: true, attributeFilter: ["data-theme"]});

  /* Re-fit on a new width (phone rotated, window resized). */
  var timer = null, lastWidth = window.innerWidth;
  window.addEventListener("resize", function () {
    if (window.innerWidth === lastWidth) return;
    lastWidth = window.innerWidth;
    clearTimeout(timer);
    timer = setTimeout(function () {
      records.forEach(function (rec) {
        if (!rec.el.isConnected || !rec.result || !(fittable(rec.spec) || stackable(rec.spec))) return;
        var avail = available(rec), was = rec.fit || rec.stack;
        if (was ? Math.abs(avail - was) > 4 : drawnWidth(rec.result) > avail + 1) {
          rec.fit = rec.stack = null;
          render(rec).catch(function (err) {
            console.error("scalinglaws chart " + rec.id + ":", err);
          });
        }
      });
    }, 200);
  });
})();
