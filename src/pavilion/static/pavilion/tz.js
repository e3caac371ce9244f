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

  // "Central European Time (Europe/Berlin)" / 「中央ヨーロッパ時間（Europe/Berlin）」:
  // the zone's name in the page's language, with its id, rather than the id alone.
  function label(id) {
    var lang = document.documentElement.lang || "en";
    var name = "";
    try {
      new Intl.DateTimeFormat(lang, { timeZone: id, timeZoneName: "longGeneric" })
        .formatToParts(new Date())
        .forEach(function (part) { if (part.type === "timeZoneName") name = part.value; });
    } catch (e) { name = ""; }
    if (!name || name === id) return id;
    return lang === "ja" ? name + "（" + id + "）" : name + " (" + id + ")";
  }

  var link = document.createElement("a");
  link.href = "?" + params.toString() + window.location.hash;
  link.className = "tz-offer";
  link.textContent = (note.getAttribute("data-offer") || "%(zone)s").replace("%(zone)s", label(zone));
  note.appendChild(document.createTextNode(" "));
  note.appendChild(link);
})();
