// Warns, before submitting, that the partner has already registered the deal being typed.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("registration-form");
  if (!form) return;
  var warning = document.getElementById("duplicate-warning");
  var list = document.getElementById("duplicate-list");
  var fields = ["company_name", "product_line", "tax_id", "domain"];

  function check() {
    var params = new URLSearchParams();
    fields.forEach(function (name) { params.set(name, form.elements[name].value); });
    fetch(form.dataset.checkUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (found) {
        list.replaceChildren();
        found.forEach(function (registration) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = registration.url;
          link.textContent = "#" + registration.id + " " + registration.company_name;
          item.appendChild(link);
          list.appendChild(item);
        });
        warning.classList.toggle("d-none", found.length === 0);
      });
  }
  fields.forEach(function (name) { form.elements[name].addEventListener("change", check); });
});
