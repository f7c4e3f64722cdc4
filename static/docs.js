// Starts the OpenAPI explorer at /docs (kept out of the page so the CSP can forbid inline script).
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
