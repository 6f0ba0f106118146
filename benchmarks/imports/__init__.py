"""The import corpus: published plan layouts written as .docx, .pdf and .html, with gold items."""
