// R8.08: warn before submitting an appeal filed more than 30 working days after the
// decision was received. The server counts the working days; the appeal is still accepted.
(function () {
  "use strict";
  var warning = document.getElementById("late-warning");
  var input = document.getElementById("id_decision_received_on");
  if (!warning || !input) { return; }
  function check() {
    if (!input.value) { warning.hidden = true; return; }
    var url = warning.dataset.windowUrl + "?received_on=" + encodeURIComponent(input.value);
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer) { warning.hidden = true; return; }
        warning.textContent = warning.dataset.text.replace("DATE", answer.window_ends_on);
        warning.hidden = !answer.late;
      })
      .catch(function () { warning.hidden = true; });
  }
  input.addEventListener("change", check);
  check();
})();
