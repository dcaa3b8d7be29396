// The what-if page: slider values in Dutch, charts drawn with vega-embed after every answer,
// the download link following the state, and the budget curves fetched when they are ready.
(function () {
  "use strict";
  var token = document.body.dataset.token;
  var NL = {decimal: ",", thousands: ".", grouping: [3], currency: ["€ ", ""]};
  var getekend = 0;  // answers drawn so far (the browser tests and bench/verken.py wait on it)
  var beantwoord = 0;  // answers swapped in so far: the page is up to date when both are equal

  function nl(waarde, eenheid) {
    var getal = Number(waarde);
    var decimalen = eenheid === "factor" ? 2 : (Math.abs(getal) >= 100 ? 0 : 2);
    return getal.toLocaleString("nl-NL", {minimumFractionDigits: decimalen, maximumFractionDigits: decimalen});
  }

  function toonWaarde(schuif) {
    var uit = document.getElementById(schuif.id + "-w");
    if (!uit) return;
    var tekst = nl(schuif.value, schuif.dataset.eenheid);
    uit.textContent = schuif.dataset.eenheid === "factor" ? "× " + tekst : tekst;
    schuif.setAttribute("aria-valuetext", uit.textContent);
    schuif.classList.toggle("veranderd", Math.abs(Number(schuif.value) - Number(schuif.dataset.standaard)) > 1e-9);
  }

  // the charts drawn so far (figure id -> its Vega view and its spec without data): a figure the answer keeps
  // (hx-preserve) gets the new rows in place when only its data changed; otherwise it is drawn anew
  var getekendeGrafieken = {};

  function teken(waar) {
    var begin = performance.now();
    var specs = (waar || document).querySelectorAll("script.grafiekspec");
    var beloften = [];
    specs.forEach(function (el) {
      var doel = document.getElementById(el.dataset.doel);
      if (!doel) return;
      var spec = JSON.parse(el.textContent);
      var rijen = spec.data.values;
      spec.data = {name: "rijen"};
      spec.datasets = {rijen: rijen};
      var vorm = JSON.stringify(Object.assign({}, spec, {datasets: null}));
      var oud = getekendeGrafieken[doel.id];
      if (oud && oud.vorm === vorm && oud.element === doel) {
        beloften.push(oud.view.data("rijen", rijen).runAsync());
        return;
      }
      beloften.push(vegaEmbed(doel, spec, {actions: false, renderer: "svg", formatLocale: NL}).then(function (uit) {
        getekendeGrafieken[doel.id] = {view: uit.view, vorm: vorm, element: doel};
      }));
    });
    return Promise.all(beloften).then(function () {
      document.body.dataset.tekentijd = String(Math.round(performance.now() - begin));  // bench/verken.py
      getekend += 1;
      document.body.dataset.getekend = String(getekend);
      var kaarten = document.querySelector("#uitslag [data-rijen]");
      var rijen = kaarten ? kaarten.dataset.rijen : "[]";
      document.body.dataset.rijen = rijen;
      var download = document.getElementById("download");
      if (download) {
        download.href = "/download?token=" + encodeURIComponent(token) +
          (rijen !== "[]" ? "&rijen=" + encodeURIComponent(rijen) : "");
      }
    });
  }

  function haalCurves() {
    var open = document.querySelectorAll(".curve:not(.klaar)");
    if (!open.length) return;
    open.forEach(function (vak) {
      fetch("/curve/" + encodeURIComponent(vak.dataset.fonds) + "?token=" + encodeURIComponent(token))
        .then(function (antwoord) { return antwoord.json(); })
        .then(function (gegevens) {
          if (!gegevens.klaar) return;
          vak.classList.add("klaar");
          if (gegevens.grafiek) {
            vak.innerHTML = "";
            vegaEmbed(vak, gegevens.grafiek, {actions: false, renderer: "svg", formatLocale: NL});
          } else {
            vak.innerHTML = "<p class='wacht'>" + vak.dataset.fonds + ": geen curve (geen plan bij deze budgetten).</p>";
          }
        })
        .catch(function () { /* the next round asks again */ });
    });
    window.setTimeout(haalCurves, 2000);
  }

  document.querySelectorAll("input[type=range]").forEach(function (schuif) {
    toonWaarde(schuif);
    schuif.addEventListener("input", function () { toonWaarde(schuif); });
  });
  document.body.addEventListener("htmx:afterSwap", function (gebeurtenis) {
    if (gebeurtenis.detail.target.id === "uitslag") {
      beantwoord += 1;
      document.body.dataset.beantwoord = String(beantwoord);
      document.getElementById("melding").innerHTML = "";
      teken(gebeurtenis.detail.target);
    }
  });
  document.body.addEventListener("htmx:responseError", function () {
    document.getElementById("melding").innerHTML =
      "<div class='melding fout' role='alert'>De pagina kreeg geen antwoord; draait budgetkoppeling verken nog?</div>";
  });
  beantwoord = 1;
  document.body.dataset.beantwoord = "1";
  teken(document);
  window.setTimeout(haalCurves, 1000);
})();
