// The API documentation: Swagger UI (vendored) on this site's OpenAPI schema. A file, not an inline script:
// the Content-Security-Policy allows scripts from this site only.
(function () {
  const holder = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: holder.dataset.openapi, dom_id: "#swagger-ui", layout: "BaseLayout", deepLinking: true,
    showExtensions: true, showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
