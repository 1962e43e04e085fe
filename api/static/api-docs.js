// Starts Swagger UI on /schema (vendored under /static/vendor/swagger-ui, served by the app): a file, not an
// inline script, so the page keeps to the Content-Security-Policy.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
  });
});
