"""Jinja2 templates and CSS of the HTML report (shipped as ``dataaudit.templates``)."""
