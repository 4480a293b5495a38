// Applies a checked import without leaving the page, showing how many rows are written.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("apply-form");
  if (!form) return;
  var box = document.getElementById("import-progress");
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-label]");

  function poll() {
    fetch(form.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.total) {
          bar.max = state.total;
          bar.value = state.done;
          label.textContent = label.dataset.label.replace("%(done)s", state.done).replace("%(total)s", state.total);
        }
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    form.querySelector("button").disabled = true;
    box.classList.remove("d-none");
    var timer = setInterval(poll, 400);
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.json(); })
      .then(function (answer) { clearInterval(timer); window.location = answer.redirect; });
  });
});
