// Uploads a material without leaving the page, showing how much of the file has gone up.
// A file over the limit is refused before sending; the server's refusals are listed above
// the form. Without JavaScript the form posts normally.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("material-form");
  if (!form) return;
  var box = document.getElementById("upload-progress");
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-label]");
  var errors = document.getElementById("upload-errors");
  var button = document.getElementById("publish");

  function showErrors(messages) {
    errors.replaceChildren();
    messages.forEach(function (message) {
      var alert = document.createElement("div");
      alert.className = "alert alert-danger";
      alert.setAttribute("role", "alert");
      alert.textContent = message;
      errors.appendChild(alert);
    });
    box.classList.add("d-none");
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    var file = form.elements.file.files[0];
    event.preventDefault();
    if (file && file.size > Number(form.dataset.maxBytes)) {
      showErrors([form.dataset.tooLarge]);
      return;
    }
    button.disabled = true;
    box.classList.remove("d-none");
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.setRequestHeader("X-Requested-With", "fetch");
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) return;
      var percent = Math.floor(100 * progress.loaded / progress.total);
      bar.value = percent;
      label.textContent = label.dataset.label.replace("{percent}", percent);
    });
    request.addEventListener("load", function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (ignored) { answer = {}; }
      if (request.status < 300 && answer.redirect) {
        window.location.assign(answer.redirect);
      } else if (request.status === 413) {
        showErrors([form.dataset.tooLarge]);
      } else {
        showErrors(answer.errors || [form.dataset.failed]);
      }
    });
    request.addEventListener("error", function () { showErrors([form.dataset.failed]); });
    request.send(new FormData(form));
  });
});
