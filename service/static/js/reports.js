/* Reports page: the progress bar of each report still on its way follows the report (its
   JSON every two seconds); once one has finished or failed, the page is shown again. */
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-status-url]"));
  if (!rows.length) { return; }
  function poll() {
    var pending = rows.map(function (row) {
      return fetch(row.getAttribute("data-status-url"), { credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (report) {
          if (!report) { return false; }
          var bar = row.querySelector("progress");
          if (bar) { bar.value = report.progress; bar.textContent = report.progress + "%"; }
          return report.status !== row.getAttribute("data-status") &&
            (report.status === "finished" || report.status === "failed");
        })
        .catch(function () { return false; });
    });
    Promise.all(pending).then(function (changed) {
      if (changed.some(Boolean)) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
    });
  }
  window.setTimeout(poll, 2000);
}());
