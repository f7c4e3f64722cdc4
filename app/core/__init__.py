"""Cross-cutting plumbing: settings, database, security, i18n, templating."""
