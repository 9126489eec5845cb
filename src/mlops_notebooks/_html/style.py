"""The one stylesheet of every HTML report and notebook display (offline: no fonts, no CDN).

Every rule is scoped under ``.mlnb`` so that a notebook's own interface is left alone when a
result's display carries the stylesheet. Colours meet WCAG AA contrast on white; print rules
drop the navigation and let wide tables wrap instead of scrolling.
"""

from __future__ import annotations

__all__ = ["CURRENT_COLOR", "REFERENCE_COLOR", "STYLESHEET", "style_tag"]

REFERENCE_COLOR = "#4c72b0"
CURRENT_COLOR = "#dd8452"

STYLESHEET = """
.mlnb{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--accent:#0969da;
--ref:#4c72b0;--cur:#dd8452;--bad:#b3261e;--bad-bg:#ffebe9;--ok:#1a7f37;--ok-bg:#dafbe1;
--warn-bg:#fff8c5;color:var(--fg);font-size:14px;line-height:1.45}
body.mlnb{margin:0;background:#fff;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.mlnb *,.mlnb *::before,.mlnb *::after{box-sizing:border-box}
.mlnb h1{font-size:1.7em;margin:0 0 .2em;line-height:1.2}
.mlnb h2{font-size:1.3em;margin:1.6em 0 .5em;padding-bottom:.25em;
border-bottom:1px solid var(--line)}
.mlnb h3{font-size:1.05em;margin:1.1em 0 .4em}
.mlnb a{color:var(--accent)}
.mlnb code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;
overflow-wrap:anywhere}
.mlnb-header{background:var(--soft);border-bottom:1px solid var(--line);padding:20px 32px}
.mlnb-header .mlnb-what{color:var(--muted);margin:.2em 0 .8em;max-width:80ch}
.mlnb-meta{color:var(--muted);font-size:12.5px;margin:.6em 0 0}
.mlnb-provenance{display:flex;flex-wrap:wrap;gap:10px}
.mlnb-source{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 12px;
min-width:0;max-width:760px;flex:1 1 320px}
.mlnb-source dl.mlnb-facts dd{text-align:left}
.mlnb-source b{display:block;font-size:12px;text-transform:uppercase;letter-spacing:.04em;
color:var(--muted)}
.mlnb-layout{display:grid;grid-template-columns:200px minmax(0,1fr);gap:32px;max-width:1440px;
margin:0 auto;padding:8px 32px 40px}
.mlnb-toc{position:sticky;top:0;align-self:start;max-height:100vh;overflow-y:auto;
padding:16px 0;font-size:13px}
.mlnb-toc b{display:block;color:var(--muted);margin-bottom:.4em}
.mlnb-toc ol{list-style:none;margin:0;padding:0}
.mlnb-toc li{margin:.25em 0}
.mlnb-toc a{text-decoration:none;color:var(--fg)}
.mlnb-toc a:hover{color:var(--accent);text-decoration:underline}
.mlnb-main{min-width:0}
.mlnb-layout.mlnb-single{grid-template-columns:minmax(0,1fr);padding-top:16px}
.mlnb-footer{color:var(--muted);font-size:12px;margin-top:3em;border-top:1px solid var(--line);
padding-top:.8em}
@media (max-width:900px){.mlnb-layout{grid-template-columns:minmax(0,1fr);padding:8px 16px 32px}
.mlnb-toc{position:static;max-height:none}.mlnb-toc ol{columns:2}
.mlnb-header{padding:16px}}
.mlnb-scroll{overflow-x:auto;max-width:100%;margin:.4em 0 1em}
.mlnb table.mlnb-table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums;
margin:0;table-layout:auto;width:auto}
.mlnb .mlnb-table caption{text-align:left;font-weight:600;padding:0 0 4px}
.mlnb .mlnb-table th,.mlnb .mlnb-table td{padding:4px 10px;border:0;
border-bottom:1px solid var(--line);text-align:left;vertical-align:top;white-space:nowrap;
max-width:none;line-height:1.4}
.mlnb .mlnb-table thead th{background:var(--soft);border-bottom:2px solid var(--line);
font-weight:600}
.mlnb .mlnb-table td.num,.mlnb .mlnb-table th.num{text-align:right}
.mlnb .mlnb-table td.text{white-space:normal;min-width:14ch;max-width:60ch;
overflow-wrap:break-word}
.mlnb .mlnb-table tbody tr:hover td{background:#f0f4f8}
.mlnb .mlnb-table tr.mlnb-flag td{background:var(--bad-bg)}
.mlnb-muted,.mlnb .mlnb-table td.missing{color:var(--muted)}
.mlnb-note{color:var(--muted);font-size:12.5px;margin:.3em 0}
.mlnb-verdict{border-radius:6px;padding:10px 14px;margin:1em 0;font-weight:600;
border:1px solid var(--line)}
.mlnb-verdict.bad{background:var(--bad-bg);color:var(--bad);border-color:#f5c2c0}
.mlnb-verdict.ok{background:var(--ok-bg);color:var(--ok);border-color:#aceebb}
.mlnb-tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;
margin:.6em 0 1em}
.mlnb-tile{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:0}
.mlnb-tile span{display:block;color:var(--muted);font-size:12px}
.mlnb-tile strong{font-size:1.25em;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.mlnb-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.mlnb-card{border:1px solid var(--line);border-radius:6px;padding:10px 12px;min-width:0;
break-inside:avoid}
.mlnb-card h3{margin:0 0 .3em;font-size:1em;overflow-wrap:anywhere}
.mlnb-badge{display:inline-block;font-size:11px;font-weight:600;border-radius:10px;
padding:1px 8px;margin:0 4px 4px 0;background:var(--soft);border:1px solid var(--line);
color:var(--muted)}
.mlnb-badge.bad{background:var(--bad-bg);color:var(--bad);border-color:#f5c2c0}
.mlnb-badge.warn{background:var(--warn-bg);color:#7a5a00;border-color:#eed888}
.mlnb-badge.ok{background:var(--ok-bg);color:var(--ok);border-color:#aceebb}
dl.mlnb-facts{display:grid;grid-template-columns:auto minmax(0,1fr);gap:1px 12px;
font-size:12.5px;margin:.4em 0}
dl.mlnb-facts dt{color:var(--muted);white-space:nowrap}
dl.mlnb-facts dd{margin:0;text-align:right;font-variant-numeric:tabular-nums;
overflow-wrap:anywhere}
.mlnb figure{margin:.6em 0 1.2em;max-width:100%}
.mlnb figcaption{color:var(--muted);font-size:12.5px;margin-top:.2em}
.mlnb img{max-width:100%;height:auto}
svg.mlnb-chart{display:block;max-width:100%;height:auto;overflow:visible}
svg.mlnb-chart text{font:10px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
fill:#59636e}
.mlnb-approx{cursor:help;text-decoration:underline dotted var(--muted);
text-underline-offset:2px;white-space:nowrap}
.mlnb-approx-legend ul{margin:.2em 0 .4em;padding-left:1.4em}
.mlnb-legend{font-size:12px;color:var(--muted)}
.mlnb-legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;
vertical-align:-1px}
@media print{body.mlnb{font-size:11px}.mlnb-toc{display:none}
.mlnb-layout{display:block;padding:0 8px}.mlnb-header{background:none;padding:8px}
.mlnb-scroll{overflow:visible}.mlnb .mlnb-table th,.mlnb .mlnb-table td{white-space:normal}
.mlnb-card,.mlnb figure,.mlnb-table tr,.mlnb-tile{break-inside:avoid}
.mlnb h2{break-after:avoid}.mlnb a{color:inherit;text-decoration:none}
.mlnb .mlnb-table tbody tr:hover td{background:none}}
"""


def style_tag() -> str:
    """The stylesheet as one ``<style>`` element."""
    return f"<style>{STYLESHEET}</style>"
