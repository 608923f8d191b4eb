/* scalinglaws chart runtime: appended to the vega bundle (charts.vega_bundle_js), so it is loaded
   exactly where charts are. It wraps window.vegaEmbed once and keeps every drawn Vega view:

     window.scalinglawsViews[id]  -> array of vega View objects drawn for the chart with that
                                     data-sl-id (a chart may be shown more than once on a page)
     "sl-chart-drawn" event       -> dispatched on document after each view is drawn,
                                     detail = {id: <data-sl-id>, view: <View>}

   The browser tests (tests/browser) ask these views for their scenegraph, and the calculators'
   tests drive their parameters through them. */
(function () {
  if (!window.vegaEmbed || window.vegaEmbed.__scalinglaws) return;
  var embed = window.vegaEmbed;
  window.scalinglawsViews = window.scalinglawsViews || {};
  function chartId(el) {
    var node = typeof el === "string" ? document.querySelector(el) : el;
    var fig = node && node.closest ? node.closest("figure.sl-chart") : null;
    return fig ? fig.getAttribute("data-sl-id") : (node && node.id) || String(el);
  }
  var wrapped = function (el, spec, opts) {
    return embed(el, spec, opts).then(function (result) {
      var id = chartId(el);
      (window.scalinglawsViews[id] = window.scalinglawsViews[id] || []).push(result.view);
      document.dispatchEvent(new CustomEvent("sl-chart-drawn", {detail: {id: id, view: result.view}}));
      return result;
    });
  };
  for (var k in embed) if (Object.prototype.hasOwnProperty.call(embed, k)) wrapped[k] = embed[k];
  wrapped.__scalinglaws = true;
  window.vegaEmbed = wrapped;
})();
