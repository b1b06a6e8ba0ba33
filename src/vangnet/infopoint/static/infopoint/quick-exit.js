// Quick exit: leave the information point for a neutral site at once (the button, or the Esc key).
// The page is hidden first; location.replace() leaves without adding a history entry, and the current
// entry is first pointed at the site's start page, so "Back" does not return to the page that was read.
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.documentElement.style.visibility = "hidden";
    try { window.history.replaceState(null, "", "/"); } catch (e) { /* not allowed: leave anyway */ }
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { leave(event); }
  });
}());
