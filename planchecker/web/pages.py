"""The upload page's HTML (Jinja2 templates) and its one stylesheet, as string constants.

Kept in a module rather than in template files so that they travel with the package without
package-data configuration. Jinja2 autoescapes every `{{ value }}` (the template names end in
.html, which is what turns Flask's autoescape on): plan text is data, never markup. There is no
`|safe` anywhere, no inline script and no inline style, so the Content-Security-Policy can forbid
both. Accessibility (WCAG 2.1 AA): one h1 per page, landmarks, a skip link, labelled controls,
errors tied to the form with aria-describedby and announced with role="alert", tables with a
caption and scoped headers, and a layout that reflows at 200 % zoom without horizontal scrolling.
"""

from __future__ import annotations

BASE = """\
<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% if has_errors %}Fel: {% endif %}{{ title }} – planchecker</title>
<link rel="stylesheet" href="{{ url_for('stylesheet') }}">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip-link" href="#main">Hoppa till huvudinnehållet</a>
<header class="site-header">
<div class="wrap">
<p class="site-name"><a href="{{ url_for('start') }}">planchecker</a>
<span class="tagline">granskning av verksamhetsplaner mot stadens säkerhets- och
trygghetsarbete</span></p>
<nav aria-label="Huvudmeny">
<ul>
<li><a href="{{ url_for('start') }}"
 {%- if page == 'start' %} aria-current="page"{% endif %}>Granska en plan</a></li>
<li><a href="{{ url_for('rules') }}"
 {%- if page == 'rules' %} aria-current="page"{% endif %}>Regler och källor</a></li>
</ul>
</nav>
</div>
</header>
<main id="main" tabindex="-1">
<div class="wrap">
{% block main %}{% endblock %}
</div>
</main>
<footer class="site-footer">
<div class="wrap">
<p>planchecker {{ version }}. Filer som laddas upp sparas inte: de granskas och raderas direkt.</p>
</div>
</footer>
</body>
</html>
"""

# A source as a link when it has a web address, else as text.
MACROS = """\
{% macro source(item) -%}
{% if item.url %}<a href="{{ item.url }}">{{ item.source }}</a>
{%- else %}{{ item.source }}{% endif %}
{%- endmacro %}
"""

START = """\
{% extends "base.html" %}
{% from "macros.html" import source %}
{% block main %}
<h1>Granska en verksamhetsplan</h1>
<p class="lead">Ladda upp nämndens eller bolagets verksamhetsplan. planchecker visar vad som saknas
enligt Stockholms stads säkerhets- och trygghetsprogram och de lagar och överenskommelser som står
bakom dem, fokusområde för fokusområde och med källa för varje krav.</p>

{% if errors %}
<div class="error-summary" id="upload-error" role="alert" tabindex="-1">
<h2>{{ error_heading }}</h2>
<ul>
{% for error in errors %}<li><a href="#{{ error.field }}">{{ error.text }}</a></li>
{% endfor %}
</ul>
</div>
{% endif %}

<form class="upload" method="post" action="{{ url_for('check') }}" enctype="multipart/form-data">
<div class="field{% if 'plan' in invalid %} invalid{% endif %}">
<label for="plan">Verksamhetsplan</label>
<p class="hint" id="plan-hint">En Excel-fil (.xlsx) ifylld enligt mallen, eller samma innehåll som
JSON eller YAML. En publicerad plan (Word, PDF med text eller sparad webbsida) går också: dess
struktur tolkas, och du får en förifylld mall att kontrollera. Högst {{ max_size }}.</p>
<input type="file" id="plan" name="plan" accept=".xlsx,.xlsm,.json,.yaml,.yml,.docx,.pdf,.html,.htm" required
 aria-describedby="plan-hint{% if 'plan' in invalid %} upload-error{% endif %}"
 {%- if 'plan' in invalid %} aria-invalid="true"{% endif %}>
</div>
<div class="field{% if 'as_of' in invalid %} invalid{% endif %}">
<label for="as_of">Bedöm per datum (valfritt)</label>
<p class="hint" id="as_of-hint">Skriv datumet som ÅÅÅÅ-MM-DD. Lämnas fältet tomt bedöms planen per
planårets sista dag, eller per i dag om planåret inte är slut.</p>
<input type="date" id="as_of" name="as_of" value="{{ form.as_of }}"
 aria-describedby="as_of-hint{% if 'as_of' in invalid %} upload-error{% endif %}"
 {%- if 'as_of' in invalid %} aria-invalid="true"{% endif %}>
</div>
<div class="field{% if 'period' in invalid %} invalid{% endif %}">
<label for="period">Uppföljningstillfälle (valfritt)</label>
<p class="hint" id="period-hint">Vissa krav gäller bara vid tertialrapport eller
verksamhetsberättelse.</p>
<select id="period" name="period"
 aria-describedby="period-hint{% if 'period' in invalid %} upload-error{% endif %}"
 {%- if 'period' in invalid %} aria-invalid="true"{% endif %}>
{% for value, label in periods %}<option value="{{ value }}"
 {%- if form.period == value %} selected{% endif %}>{{ label }}</option>
{% endfor %}
</select>
</div>
<button type="submit">Granska planen</button>
</form>

<h2>Excel-mallen</h2>
<p>Fyll i planen i mallen: bladet <em>Instruktioner</em> förklarar varje blad och kolumn.</p>
<p><a class="download" href="{{ url_for('template_xlsx') }}" download>Ladda ner Excel-mallen
(.xlsx)</a></p>

<h2>Vad granskas?</h2>
<p>Planen granskas mot de regelpaket som gäller för dess planår. Varje regel bygger på en källa:</p>
<ul class="packs">
{% for pack in packs %}<li>
<h3>{{ pack.title }}</h3>
<p>Källa: {{ source(pack) }}.
Gäller planår {{ pack.years }}. {{ pack.count }} {{ 'regel' if pack.count == 1 else 'regler' }}.</p>
</li>
{% endfor %}
</ul>
<p><a href="{{ url_for('rules') }}">Se alla regler med källor</a></p>
{% endblock %}
"""

RESULT = """\
{% extends "base.html" %}
{% from "macros.html" import source %}
{% block main %}
<h1>Granskning av {{ plan.name }}, planår {{ plan.year }}</h1>
{% if notice %}<p class="notice"><strong>Obs!</strong> {{ notice }}</p>{% endif %}
<p class="verdict verdict-{{ verdict }}">{{ verdict_text }}</p>
{% if notes %}
<section class="notes" aria-labelledby="notes-heading">
<h2 id="notes-heading">Att observera</h2>
<ul>{% for note in notes %}<li>{{ note }}</li>{% endfor %}</ul>
</section>
{% endif %}

<table class="facts stack">
<caption>Om granskningen</caption>
<tbody>
{% for label, value in facts %}<tr><th scope="row">{{ label }}</th><td>{{ value }}</td></tr>
{% endfor %}
</tbody>
</table>

{% if engine_errors %}
<h2>Motorfel</h2>
<p>Regelmotorn slutförde inte granskningen. Resultatet är ofullständigt och får inte läsas som
godkänt.</p>
<ul>{% for error in engine_errors %}<li>{{ error }}</li>{% endfor %}</ul>
{% endif %}

<h2>Ladda ner rapporten</h2>
<ul class="downloads">
{% for file in downloads %}<li>
{%- if file.href %}<a class="download" href="{{ file.href }}" download="{{ file.name }}">
{{- file.label }} ({{ file.size }})</a>
{%- else %}{{ file.label }}: {{ file.note }}{% endif %}</li>
{% endfor %}
</ul>

{% if coverage %}
<h2>Täckning per fokusområde</h2>
<table class="coverage stack">
<caption>Har planen mål, aktiviteter och indikatorer för varje fokusområde?</caption>
<thead><tr>{% for header in coverage_headers %}<th scope="col">{{ header }}</th>{% endfor %}
</tr></thead>
<tbody>
{% for row in coverage %}<tr><th scope="row">{{ row.area }}</th>
{%- for cell in row.cells %}<td class="status-{{ cell.state }}" data-label="{{ coverage_headers[loop.index] }}">{{ cell.text }}</td>{% endfor %}
<td data-label="{{ coverage_headers[-1] }}">{{ row.share }}</td></tr>
{% endfor %}
</tbody>
</table>
{% endif %}

<h2>Brister</h2>
{% if not groups %}<p>Inga brister hittades.</p>{% endif %}
{% for group in groups %}
<h3>{{ group.area }}</h3>
<ul class="findings">
{% for f in group.findings %}<li class="finding severity-{{ f.css }}">
<h4><span class="severity">{{ f.severity }}</span>: {{ f.title }}
<span class="rule-id">({{ f.rule_id }})</span></h4>
<p>{{ f.message }}</p>
<dl>
{% if f.subjects %}<dt>Gäller</dt><dd>{{ f.subjects }}</dd>{% endif %}
<dt>Källa</dt><dd>{{ source(f) }}</dd>
{% if f.waiver %}<dt>Undantag</dt><dd>{{ f.waiver }}</dd>{% endif %}
{% if f.candidates %}<dt>{{ candidates_heading }}</dt><dd><ul class="candidates">
{% for line in f.candidates %}<li>{{ line }}</li>{% endfor %}
</ul></dd>{% endif %}
{% if f.description %}<dt>Vad kravet innebär</dt><dd>{{ f.description }}</dd>{% endif %}
</dl>
</li>
{% endfor %}
</ul>
{% endfor %}

{% if waivers %}
<h2>Undantag i planen</h2>
<table class="waivers stack">
<caption>Undantag som planen anger och hur de användes</caption>
<thead><tr>{% for header in waiver_headers %}<th scope="col">{{ header }}</th>{% endfor %}
</tr></thead>
<tbody>
{% for row in waivers %}<tr><th scope="row">{{ row[0] }}</th>
{%- for cell in row[1:] %}<td data-label="{{ waiver_headers[loop.index] }}">{{ cell }}</td>{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
{% endif %}

<p><a href="{{ url_for('start') }}">Granska en annan plan</a></p>
{% endblock %}
"""

RULES = """\
{% extends "base.html" %}
{% from "macros.html" import source %}
{% block main %}
<h1>Regler och källor</h1>
<p class="lead">Alla {{ total }} regler som planchecker granskar mot, paket för paket, med källa.
Listan skapas från regelfilerna.</p>
{% for pack in packs %}
<section aria-labelledby="pack-{{ loop.index }}">
<h2 id="pack-{{ loop.index }}">{{ pack.title }}</h2>
<p>Källa: {{ source(pack) }}. Gäller planår {{ pack.years }}.</p>
<table class="rules stack">
<caption>Regler i {{ pack.title }}</caption>
<thead><tr><th scope="col">Regel</th><th scope="col">Krav</th><th scope="col">Nivå</th>
<th scope="col">Källa</th></tr></thead>
<tbody>
{% for rule in pack.rules %}<tr><th scope="row" class="rule-id">{{ rule.id }}</th>
<td data-label="Krav"><strong>{{ rule.title }}</strong><br>{{ rule.message }}
{%- if rule.area %}<br>Fokusområde: {{ rule.area }}{% endif %}<br>Planår {{ rule.years }}</td>
<td data-label="Nivå">{{ rule.severity }}</td>
<td data-label="Källa">{{ source(rule) }}<br>{{ rule.basis }}: {{ rule.basis_note }}</td></tr>
{% endfor %}
</tbody>
</table>
</section>
{% endfor %}
{% endblock %}
"""

ERROR = """\
{% extends "base.html" %}
{% block main %}
<h1>{{ title }}</h1>
<div role="alert"><p>{{ message }}</p></div>
<p><a href="{{ url_for('start') }}">Till startsidan</a></p>
{% endblock %}
"""

TEMPLATES: dict[str, str] = {
    "base.html": BASE,
    "macros.html": MACROS,
    "start.html": START,
    "result.html": RESULT,
    "rules.html": RULES,
    "error.html": ERROR,
}

# Colours are chosen for at least 4.5:1 contrast against their background; status is always
# written out in words as well, never shown by colour alone.
CSS = """\
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; font-family: Arial, Helvetica, sans-serif; line-height: 1.5; color: #1a1a1a;
  background: #ffffff; }
.wrap { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
a { color: #0b4f8a; text-decoration: underline; }
a:visited { color: #5b2a86; }
a:hover { color: #062f52; text-decoration-thickness: 3px; }
:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; box-shadow: 0 0 0 6px #ffdd00; }
main:focus { outline: none; }
.skip-link { position: absolute; left: -9999px; top: 0; background: #ffdd00; color: #1a1a1a;
  padding: 0.5rem 1rem; z-index: 10; }
.skip-link:focus { left: 0.5rem; top: 0.5rem; }
.site-header { background: #0b2d4f; color: #ffffff; padding: 0.75rem 0; }
.site-header a, .site-header a:visited { color: #ffffff; }
.site-header :focus-visible { outline-color: #ffffff; box-shadow: 0 0 0 6px #1a1a1a; }
.site-name { margin: 0; font-size: 1.25rem; }
.site-name a { font-weight: bold; text-decoration: none; }
.tagline { display: block; font-size: 1rem; }
.site-header nav ul { list-style: none; margin: 0.5rem 0 0; padding: 0; display: flex;
  flex-wrap: wrap; gap: 0.25rem 1.5rem; }
.site-header nav a[aria-current="page"] { font-weight: bold; text-decoration-thickness: 3px; }
main { padding: 1.5rem 0 2rem; }
h1 { font-size: 2rem; line-height: 1.25; margin: 0 0 1rem; overflow-wrap: break-word; }
h2 { font-size: 1.5rem; margin: 2rem 0 0.75rem; }
h3 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
h4 { font-size: 1.05rem; margin: 0 0 0.25rem; }
.lead { font-size: 1.15rem; max-width: 45rem; }
.site-footer { border-top: 1px solid #b0b0b0; padding: 1rem 0; color: #1a1a1a; }
form.upload { border: 1px solid #b0b0b0; padding: 1rem; max-width: 40rem; }
.field { margin-bottom: 1.25rem; }
.field.invalid { border-left: 5px solid #b10e1e; padding-left: 0.75rem; }
label { display: block; font-weight: bold; }
.hint { margin: 0.1rem 0 0.4rem; color: #3d3d3d; }
input[type="file"], input[type="date"], select { font: inherit; max-width: 100%;
  border: 2px solid #1a1a1a; padding: 0.3rem; background: #ffffff; color: #1a1a1a; }
button { font: inherit; font-weight: bold; background: #0b4f8a; color: #ffffff;
  border: 2px solid #0b4f8a; padding: 0.5rem 1.25rem; cursor: pointer; }
button:hover { background: #062f52; }
.error-summary { border: 5px solid #b10e1e; padding: 0.75rem 1rem; margin-bottom: 1.5rem;
  max-width: 40rem; }
.error-summary h2 { margin-top: 0; font-size: 1.3rem; }
.error-summary a { color: #b10e1e; font-weight: bold; overflow-wrap: break-word; }
.verdict { font-weight: bold; font-size: 1.15rem; padding: 0.75rem 1rem;
  border-left: 8px solid #595959;
  background: #f3f3f3; }
.notes { border-left: 8px solid #8a5300; padding: 0.25rem 1rem; margin: 1rem 0; }
.notes h2 { margin-top: 0.5rem; font-size: 1.2rem; }
.verdict-gaps { border-color: #b10e1e; }
.verdict-ok { border-color: #0b5d1e; }
.verdict-engine-error { border-color: #8a5300; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #8c8c8c; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
thead th { background: #e3e9f2; }
table.facts { width: auto; max-width: 100%; }
table.facts th { background: #f3f3f3; }
td.status-met { background: #dcf2e1; color: #0b5d1e; }
td.status-missing { background: #fbe3e3; color: #8a1111; font-weight: bold; }
td.status-waived { background: #fff1c2; color: #5c4000; }
td.status-not_applicable { background: #eeeeee; color: #424242; }
.rule-id { white-space: normal; overflow-wrap: break-word; font-family: "Courier New", monospace; }
ul.findings, ul.packs, ul.downloads { list-style: none; padding: 0; }
li.finding { border: 1px solid #b0b0b0; border-left-width: 8px; padding: 0.75rem 1rem;
  margin: 0 0 1rem; }
li.severity-error { border-left-color: #b10e1e; }
li.severity-warning { border-left-color: #8a5300; }
li.severity-info { border-left-color: #0b4f8a; }
li.severity-waived { border-left-color: #595959; }
.finding p { margin: 0.25rem 0 0.5rem; }
dl { margin: 0; display: grid; grid-template-columns: minmax(6rem, max-content) 1fr;
  gap: 0.2rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; overflow-wrap: break-word; }
ul.packs li { margin-bottom: 1rem; }
ul.packs h3 { margin-bottom: 0.25rem; }
ul.downloads li { margin: 0.4rem 0; }
a.download { font-weight: bold; }
@media (max-width: 40rem) {
  h1 { font-size: 1.6rem; }
  h2 { font-size: 1.3rem; }
  /* On a phone, or at 200 % zoom, a table with several columns cannot fit without breaking
     words such as "informationssäkerhet" mid-word: each row becomes a card instead, every cell
     on its own line after its column's name (data-label). The header row stays for screen
     readers, out of sight. */
  table.stack, table.stack tbody, table.stack tr, table.stack th, table.stack td {
    display: block; width: 100%; }
  table.stack thead { position: absolute; left: -9999px; }
  table.stack caption { display: block; }
  table.stack tr { border: 1px solid #8c8c8c; margin: 0 0 0.75rem; }
  table.stack th, table.stack td { border: 0; border-top: 1px solid #d0d0d0; }
  table.stack tr > :first-child { border-top: 0; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; font-weight: bold;
    color: #1a1a1a; }
  dl { grid-template-columns: 1fr; }
  dd { margin-bottom: 0.4rem; }
}
@media print {
  .site-header nav, .skip-link, form.upload { display: none; }
}
"""
