// Offers the visitor's own time zone beside the venue's and Japan's.
// The page is complete without this script; it only adds a link.
(function () {
  "use strict";
  var note = document.getElementById("zone-note");
  if (!note || !window.Intl || !Intl.DateTimeFormat) return;
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  var params = new URLSearchParams(window.location.search);
  var shown = (note.getAttribute("data-zones") || "").split(",");
  if (params.get("tz") || shown.indexOf(zone) !== -1) return;
  params.set("tz", zone);
  var link = document.createElement("a");
  link.href = "?" + params.toString() + window.location.hash;
  link.className = "tz-offer";
  link.textContent = (note.getAttribute("data-offer") || "%(zone)s").replace("%(zone)s", zone);
  note.appendChild(document.createTextNode(" "));
  note.appendChild(link);
})();
