"""Site reports: French grammar, composition of answers into statements, PDF rendering."""
