"""The review page at ``/``: paste or upload an article, choose, see the HTML digest, download it.

No CDN, no inline script: the page loads ``/static/review.js`` and ``/static/review.css`` from
this server only, under a strict Content-Security-Policy. The digest view is the very page
``--format html`` writes (``POST /digest`` with ``format=html``), parsed with ``DOMParser``
(which never runs scripts) and its ``<main>`` adopted; messages go in with ``textContent``.
"""

from __future__ import annotations

from html import escape

from polyglot_news.render_html import CSP as DIGEST_CSP
from polyglot_news.render_html import CSS as DIGEST_CSS
from polyglot_news.summarize import DEFAULT_METHOD, METHODS
from polyglot_news.version import __version__

__all__ = ["DIGEST_CSP", "PAGE", "PAGE_CSP", "SCRIPT", "STYLE"]

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

_METHODS = "".join(
    f'<option value="{escape(m)}"{" selected" if m == DEFAULT_METHOD else ""}>{escape(m)}</option>' for m in METHODS
)

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>polyglot-news review</title>
<link rel="stylesheet" href="/static/review.css">
<script src="/static/review.js" defer></script>
</head>
<body>
<form id="review" class="controls" autocomplete="off">
<h1>polyglot-news review <small>{escape(__version__)}, offline</small></h1>
<label for="article">Article (headline, blank line, body; a "References:" list at the end)</label>
<textarea id="article" name="text" rows="12" required></textarea>
<div class="line">
<label>Or upload a text file <input id="upload" type="file" accept=".txt,.md,text/plain"></label>
</div>
<div class="line">
<fieldset><legend>Translate into</legend>
<label><input type="checkbox" name="target" value="ru" checked> ru</label>
<label><input type="checkbox" name="target" value="be" checked> be</label>
<label>others <input id="more" name="more" size="8" placeholder="uk,pl"></label>
</fieldset>
<fieldset><legend>Summary</legend>
<label>method <select id="method" name="method">{_METHODS}</select></label>
<label>sentences <input id="sentences" name="sentences" type="number" min="1" value="3"></label>
<label><input id="full" type="checkbox" name="full"> translate the full text</label>
</fieldset>
<fieldset><legend>Access</legend>
<label>API key <input id="api_key" name="api_key" type="password" size="14"></label>
</fieldset>
</div>
<div class="line">
<button id="submit" type="submit">Make the digest</button>
<span class="downloads">Download:
<button type="button" data-format="html" disabled>HTML</button>
<button type="button" data-format="json" disabled>JSON</button>
<button type="button" data-format="markdown" disabled>Markdown</button>
</span>
<output id="status" role="status"></output>
</div>
</form>
<div id="result"></div>
</body>
</html>
"""

STYLE = (
    DIGEST_CSS
    + """
form.controls{border-bottom:1px solid var(--line);padding-bottom:.8rem}
form.controls h1 small{font-size:.8rem;color:var(--muted);font-weight:400}
textarea{width:100%;font:14px/1.4 ui-monospace,monospace}
.line{display:flex;flex-wrap:wrap;gap:.8rem;align-items:center;margin:.5rem 0}
fieldset{border:1px solid var(--line);padding:.3rem .6rem}
#status{color:var(--muted)}
#status.error{color:var(--test);font-weight:600}
@media print{form.controls{display:none}}
"""
)

SCRIPT = r"""'use strict';
(function () {
  const form = document.getElementById('review');
  const status = document.getElementById('status');
  const result = document.getElementById('result');
  const downloads = Array.from(document.querySelectorAll('button[data-format]'));
  let last = null;

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? 'error' : '';
  }

  function request(format) {
    const targets = Array.from(form.querySelectorAll('input[name=target]:checked')).map((e) => e.value);
    const more = document.getElementById('more').value.split(',').map((s) => s.trim()).filter(Boolean);
    const all = targets.concat(more);
    const body = {
      text: document.getElementById('article').value,
      targets: all.length ? all : 'none',
      method: document.getElementById('method').value,
      parts: 'headline,summary,references' + (document.getElementById('full').checked ? ',full' : ''),
      format: format,
    };
    const n = document.getElementById('sentences').value;
    if (n) body.sentences = Number(n);
    const key = document.getElementById('api_key').value;
    if (key) body.api_key = key;
    return body;
  }

  async function post(body) {
    const response = await fetch('/digest', {
      method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body),
    });
    if (!response.ok) {
      let message = response.status + ' ' + response.statusText;
      try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return response;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    say('Working…', false);
    downloads.forEach((b) => { b.disabled = true; });
    const body = request('html');
    try {
      const page = await (await post(body)).text();
      const parsed = new DOMParser().parseFromString(page, 'text/html');
      const main = parsed.querySelector('main.digest');
      result.replaceChildren(document.importNode(main, true));
      last = body;
      downloads.forEach((b) => { b.disabled = false; });
      say('Done.', false);
      document.body.dataset.state = 'done';
    } catch (error) {
      say('Error: ' + error.message, true);
      document.body.dataset.state = 'error';
    }
  });

  downloads.forEach((button) => button.addEventListener('click', async () => {
    if (!last) return;
    const format = button.dataset.format;
    try {
      const response = await post(Object.assign({}, last, {format: format}));
      const blob = await response.blob();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = 'digest.' + ({html: 'html', json: 'json', markdown: 'md'}[format]);
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    } catch (error) {
      say('Error: ' + error.message, true);
    }
  }));

  document.getElementById('upload').addEventListener('change', (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => { document.getElementById('article').value = String(reader.result); };
    reader.onerror = () => say('Error: cannot read ' + file.name, true);
    reader.readAsText(file, 'utf-8');
  });
}());
"""
