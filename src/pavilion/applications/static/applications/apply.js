// Step 3 of the application: the fee follows the population and currency as they
// are typed. Without JavaScript the "Show the fee" button does the same.
(function () {
  "use strict";
  var section = document.querySelector(".application-fee[data-quote-url]");
  if (!section || !window.fetch) return;
  var form = section.closest("form");
  var body = section.querySelector(".application-fee-body");
  var timer = null;
  var latest = 0;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function show(data) {
    body.textContent = "";
    if (data.fee) {
      var amount = element("p", "fee-amount");
      amount.appendChild(element("strong", "", data.fee.amount));
      if (data.fee.per_year) amount.appendChild(document.createTextNode(" " + data.fee.per_year));
      body.appendChild(amount);
      if (data.fee.reasons.length) {
        var list = element("ul", "fee-reasons");
        data.fee.reasons.forEach(function (reason) { list.appendChild(element("li", "", reason)); });
        body.appendChild(list);
      }
      if (data.fee.example_note) body.appendChild(element("p", "fee-example", data.fee.example_note));
    } else if (data.errors) {
      Object.keys(data.errors).forEach(function (key) {
        data.errors[key].forEach(function (message) { body.appendChild(element("p", "fee-error", message)); });
      });
    }
  }

  function update() {
    var params = new URLSearchParams();
    ["population", "currency"].forEach(function (name) {
      var field = form.elements[name];
      if (field) params.set(name, field.value);
    });
    var ticket = ++latest;
    fetch(section.dataset.quoteUrl + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) { if (ticket === latest) show(data); })
      .catch(function () { /* keep what is shown; the button still works */ });
  }

  form.addEventListener("input", function (event) {
    if (!event.target.name || ["population", "currency"].indexOf(event.target.name) < 0) return;
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  });
  section.dataset.live = "on"; // the fee now follows what is typed
})();
