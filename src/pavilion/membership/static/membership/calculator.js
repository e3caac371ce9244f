// The fee calculator, live: on every change the form is sent to the same address
// with format=json and the answer replaces the result (the page works without it).
(function () {
  "use strict";
  var form = document.getElementById("fee-calculator");
  var result = document.getElementById("fee-result");
  if (!form || !result || !window.fetch) return;
  var timer = null;
  var latest = 0;

  function clearErrors() {
    form.querySelectorAll(".errorlist").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) {
      node.removeAttribute("aria-invalid");
    });
  }

  function showErrors(errors) {
    clearErrors();
    Object.keys(errors).forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      if (!input) return;
      var id = "live-error-" + name;
      var list = document.createElement("ul");
      list.className = "errorlist live-error";
      list.id = id;
      errors[name].forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
      var holder = input.closest(".field") || input.parentNode;
      holder.appendChild(list);
      input.setAttribute("aria-invalid", "true");
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(id) < 0) described.push(id);
      input.setAttribute("aria-describedby", described.join(" "));
    });
  }

  function update() {
    var params = new URLSearchParams(new FormData(form));
    if (!params.get("kind") || !params.get("country")) return;
    var url = form.action + "?" + params.toString();
    params.set("format", "json");
    var ticket = ++latest;
    fetch(form.action + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (ticket !== latest) return;
        if (data.ok) {
          clearErrors();
          result.innerHTML = data.html;
          history.replaceState(null, "", url);
        } else {
          result.innerHTML = "";
          showErrors(data.errors || {});
        }
      })
      .catch(function () { /* the submit button still works */ });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 50);
  });
  form.dataset.live = "on"; // the result now follows what is typed
})();
