// The check-in desk: keep the attendance table live (a fetch every 10 s) and keep the
// code field focused, so a USB scanner can "type" one code after another.
(function () {
  "use strict";
  var section = document.getElementById("attendance");
  if (!section) return;
  var body = section.querySelector(".attendance-body");
  var interval = parseInt(section.getAttribute("data-interval"), 10) || 10000;
  var url = section.getAttribute("data-url");

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) { body.innerHTML = html; })
      .catch(function () { /* keep the last table; try again at the next tick */ });
  }
  window.setInterval(refresh, interval);

  var code = document.getElementById("id_code");
  if (code) {
    code.focus();
    code.select();
  }
})();
