// Scroll the highlighted passage into view; also honour an RFC 5147 fragment (#char=start,end) by
// reloading with the same offsets as a query the server highlights.
(function () {
  var match = /^#char=(\d+),(\d+)$/.exec(window.location.hash);
  if (match && !document.getElementById("passage")) {
    window.location.replace(window.location.pathname + "?char=" + match[1] + "," + match[2] + "#passage");
    return;
  }
  var passage = document.getElementById("passage");
  if (passage) passage.scrollIntoView({block: "center"});
})();
