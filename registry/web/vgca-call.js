// Calls the VGCA signing plugin (vgca_sign_approved / vgca_sign_issued) with the hand-off's
// parameters, when the plugin's own script is on the page; the page works without it.
(function () {
  "use strict";
  var data = document.getElementById("vgca-params");
  var button = document.getElementById("vgca-call");
  var answer = document.getElementById("vgca-answer");
  if (!data || !button || !answer) { return; }
  var parameters = JSON.parse(data.textContent);
  button.hidden = false;
  button.addEventListener("click", function () {
    var call = window[button.getAttribute("data-function")];
    if (typeof call !== "function") {
      answer.textContent = button.getAttribute("data-missing");
      return;
    }
    call(JSON.stringify(parameters), function (result) {
      var parsed;
      try { parsed = JSON.parse(result); } catch (error) { parsed = { Status: 1, Message: String(result) }; }
      answer.textContent = (parsed.Status === 0 ? "\u2714 " : "\u2718 ") + (parsed.Message || "");
      answer.className = parsed.Status === 0 ? "passed" : "failed";
    });
  });
}());
