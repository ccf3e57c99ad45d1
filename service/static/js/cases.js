/* Case page: the auction form asks for a price only when the asset was sold. */
(function () {
  "use strict";
  function follow(select) {
    var form = select.form;
    var price = form && form.querySelector('[data-field="price"]');
    if (!price) { return; }
    price.hidden = select.value === "failed";
  }
  document.querySelectorAll('form select[name="outcome"]').forEach(function (select) {
    follow(select);
    select.addEventListener("change", function () { follow(select); });
  });
}());
