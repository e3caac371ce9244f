// Turns "name (at) example.org" back into a mailto link for people; the page
// itself never holds the address whole, so harvesters do not find it.
(function () {
  "use strict";
  function reversed(text) {
    return (text || "").split("").reverse().join("");
  }
  function reveal() {
    document.querySelectorAll("span.protected-email[data-mail-user]").forEach(function (span) {
      var address = reversed(span.dataset.mailUser) + "\u0040" + reversed(span.dataset.mailDomain);
      var link = document.createElement("a");
      link.href = "mai" + "lto:" + address;
      link.textContent = address;
      link.setAttribute("aria-label", (span.dataset.mailLabel || "") + ": " + address);
      link.className = "protected-email";
      span.replaceWith(link);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
})();
