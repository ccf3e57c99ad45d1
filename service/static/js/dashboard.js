/* Dashboard charts: the completion rates month by month and the open cases per stage.
   The data comes from the page's JSON block (#dashboard-data); without Chart.js or without
   JavaScript the same figures are in the tables under each chart. */
(function () {
  "use strict";
  var block = document.getElementById("dashboard-data");
  if (!block || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(block.textContent);
  var vi = document.documentElement.lang !== "en";
  var percent = function (value) {
    var text = Number(value).toFixed(1) + "%";
    return vi ? text.replace(".", ",") : text;
  };
  var count = function (value) {
    return Number(value).toLocaleString(vi ? "vi-VN" : "en-US");
  };
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;

  var rates = document.getElementById("chart-rates");
  if (rates) {
    new Chart(rates, {
      type: "line",
      data: {
        labels: data.rates.labels,
        datasets: [
          {label: data.rates.names.cases, data: data.rates.cases, borderColor: "#1d4f91",
           backgroundColor: "#1d4f91", tension: 0.2},
          {label: data.rates.names.money, data: data.rates.money, borderColor: "#8b1a1a",
           backgroundColor: "#8b1a1a", tension: 0.2}
        ]
      },
      options: {
        maintainAspectRatio: false,
        scales: {y: {min: 0, max: 100, ticks: {callback: percent}}},
        plugins: {tooltip: {callbacks: {label: function (item) {
          return item.dataset.label + ": " + percent(item.parsed.y);
        }}}}
      }
    });
  }

  var funnel = document.getElementById("chart-funnel");
  if (funnel) {
    new Chart(funnel, {
      type: "bar",
      data: {
        labels: data.funnel.labels,
        datasets: [{label: data.funnel.name, data: data.funnel.values, backgroundColor: "#1d4f91"}]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: {x: {beginAtZero: true, ticks: {callback: count}}},
        plugins: {legend: {display: false}, tooltip: {callbacks: {label: function (item) {
          return count(item.parsed.x);
        }}}}
      }
    });
  }
}());
