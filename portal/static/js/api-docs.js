// Starts the vendored Swagger UI on the portal's OpenAPI document (no inline script: CSP).
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("swagger-ui");
  SwaggerUIBundle({ url: node.dataset.specUrl, dom_id: "#swagger-ui", deepLinking: true });
});
