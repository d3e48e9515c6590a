// Upload progress for the forms marked data-progress: the form is sent by XMLHttpRequest so
// that the page can show how much of a large file has gone. Without JavaScript (or where
// this fails to load) the form posts as it always did; the server answers both the same way.
(function () {
  "use strict";

  function fill(text, percent) {
    return text.replace("{percent}", String(percent));
  }

  function send(form) {
    var bar = form.querySelector("progress.upload-progress");
    var status = form.querySelector(".upload-status");
    var buttons = form.querySelectorAll("button, input[type=submit]");
    var request = new XMLHttpRequest();
    var target = new URL(form.getAttribute("action") || location.href, location.href).href;
    buttons.forEach(function (button) { button.disabled = true; });
    bar.hidden = false;
    status.textContent = fill(form.dataset.sending, 0);
    request.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) { return; }
      bar.max = event.total;
      bar.value = event.loaded;
      status.textContent = fill(form.dataset.sending, Math.floor((100 * event.loaded) / event.total));
    });
    request.upload.addEventListener("load", function () {
      bar.value = bar.max;
      status.textContent = form.dataset.working;
    });
    request.addEventListener("load", function () {
      // A redirect means done: go where the server sent us. Otherwise the answer is a page
      // (the form again with what went wrong): show it as a plain post would have.
      if (request.responseURL && request.responseURL !== target) {
        location.assign(request.responseURL);
        return;
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () {
      buttons.forEach(function (button) { button.disabled = false; });
      bar.hidden = true;
      status.textContent = form.dataset.failed;
    });
    request.open("POST", target);
    request.send(new FormData(form));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-progress")) { return; }
    if (!form.querySelector("progress.upload-progress") || !window.FormData) { return; }
    event.preventDefault();
    send(form);
  });
}());
