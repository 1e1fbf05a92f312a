// Final or destructive steps ask first: a form with data-confirm submits only when the person says yes.
// (A file of its own, not inline script, so the Content-Security-Policy can refuse inline script.)
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
