import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { groupedMoney } from '../../contract/money.ts';
import type { ReportModel } from './model.ts';

const require = createRequire(import.meta.url);
export const echartsSource = () => readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');

export const esc = (s: unknown) =>
  String(s ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

/** JSON safe inside a <script> element. */
export const scriptJson = (v: unknown) => JSON.stringify(v).replaceAll('<', '\\u003c');

export const STYLE = `
:root{--fg:#1d2430;--muted:#5b6473;--line:#dde2ea;--high:#b42318;--medium:#b54708;--low:#475467;--bg:#f7f8fa}
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans CJK SC",sans-serif;color:var(--fg);margin:0;background:var(--bg)}
header{background:#101828;color:#fff;padding:20px 32px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#cfd4dc}
main{max-width:1200px;margin:0 auto;padding:24px 32px}section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:20px;margin-bottom:20px}
h2{margin:0 0 12px;font-size:18px}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px 16px}.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:13px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}.sev-high{color:var(--high);font-weight:600}.sev-medium{color:var(--medium);font-weight:600}.sev-low{color:var(--low)}
.chart{width:100%;height:420px}details{border-bottom:1px solid var(--line);padding:6px 0}summary{cursor:pointer}summary:focus{outline:2px solid #2e90fa}
.muted{color:var(--muted)}code{font-size:12px}.dec-deny{color:var(--high);font-weight:600}.dec-review{color:var(--medium);font-weight:600}.filters{margin-bottom:8px}.filters select{margin-right:8px}`;

export function renderReport(m: ReportModel): string {
  const regionRows = m.regions
    .map(
      (r) =>
        `<tr><td style="padding-left:${8 + r.depth * 16}px">${esc(r.region)}</td>${Object.values(r.byBasis)
          .map((v) => `<td class="num">${esc(groupedMoney(v))}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  const bases = Object.keys(m.regions[0]?.byBasis ?? {});
  const countRows = m.findingCounts
    .map(
      (c) =>
        `<tr><td><code>${esc(c.code)}</code></td><td class="num sev-high">${c.bySeverity.high}</td><td class="num sev-medium">${c.bySeverity.medium}</td><td class="num">${c.bySeverity.low}</td><td class="num">${esc(groupedMoney(c.atStake))}</td></tr>`,
    )
    .join('');
  const findingItems = m.findings
    .map(
      (
        f,
      ) => `<details data-code="${esc(f.code)}" data-severity="${esc(f.severity)}"><summary><span class="sev-${esc(f.severity)}">${esc(f.severity)}</span> <code>${esc(f.code)}</code> ${esc(f.account_id ?? f.staff_id ?? f.region_id ?? '')} · ${esc(f.period_from)}${f.period_to !== f.period_from ? `…${esc(f.period_to)}` : ''} · ${esc(groupedMoney(f.revenue_at_stake))} ${esc(m.currency)}</summary>
<p>${esc(f.summary)}</p><p class="muted">id <code>${esc(f.id)}</code>${f.jurisdiction ? ` · jurisdiction ${esc(f.jurisdiction)}` : ''}${f.activity ? ` · ${esc(f.activity)}` : ''} · settings <code>${esc(JSON.stringify(f.settings))}</code></p>
<table><thead><tr><th>table</th><th>key</th><th>fact</th></tr></thead><tbody>${f.evidence
        .map(
          (e) =>
            `<tr><td>${esc(e.table)}</td><td><code>${esc(e.key)}</code></td><td>${esc(e.fact)}</td></tr>`,
        )
        .join('')}</tbody></table></details>`,
    )
    .join('\n');
  const ruleRows = m.rules
    .map(
      (r) =>
        `<tr><td>${esc(r.jurisdiction)}</td><td>${esc(r.activity)}</td><td>${esc(r.status)}${r.conditions ? `<br><span class="muted">${esc(r.conditions)}</span>` : ''}</td><td>${esc(r.from)}</td><td>${esc(r.to ? `${r.to} (exclusive)` : '—')}</td><td>${esc(r.instrument)}<br><span class="muted">${esc(r.titleEn)} · ${esc(r.issuers)}${r.notes ? ` · ${esc(r.notes)}` : ''}</span></td></tr>`,
    )
    .join('');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(m.title)}</title><style>${STYLE}</style></head>
<body><header><h1>${esc(m.title)}</h1><p>As of ${esc(m.asOf)} · home jurisdiction ${esc(m.homeCountry)} · amounts in ${esc(m.currency)} · rulebook ${esc(m.rulebookVersion)}</p></header>
<main>
<section aria-labelledby="h-head"><h2 id="h-head">Headline</h2><div class="cards">
<div class="card"><b>${esc(groupedMoney(m.headline.revenue))}</b><span>net revenue in the bundle</span></div>
<div class="card"><b>${m.headline.findings}</b><span>findings (${m.headline.high} high)</span></div>
<div class="card"><b>${esc(groupedMoney(m.headline.atStake))}</b><span>revenue at stake: the net revenue of the distinct account-periods the findings cover, each counted once (reporting gaps excluded)</span></div>
<div class="card"><b>${esc(m.headline.prohibitedShare)} %</b><span>of revenue from accounts in a prohibited-activity period</span></div>
</div></section>
<section aria-labelledby="h-rev"><h2 id="h-rev">Revenue by region under each basis</h2>
<p class="muted">Chart: the regions that are one jurisdiction each; table: every region with revenue, all periods.</p>
<div id="chart-bases" class="chart" role="img" aria-label="Revenue by region and basis"></div>
<table><thead><tr><th>region</th>${bases.map((b) => `<th class="num">${esc(b)}</th>`).join('')}</tr></thead><tbody>${regionRows}</tbody></table></section>
<section aria-labelledby="h-flow"><h2 id="h-flow">Where revenue is booked → where customers are run from</h2>
<p class="muted">Left: the region credited by billing postal code. Right: the account's HQ country (substance).</p>
<div id="chart-sankey" class="chart" style="height:520px" role="img" aria-label="Sankey of booked region to HQ country"></div></section>
<section aria-labelledby="h-seg"><h2 id="h-seg">Segments over time</h2>
<div id="chart-segments" class="chart" role="img" aria-label="Revenue by segment and prohibited share"></div></section>
<section aria-labelledby="h-find"><h2 id="h-find">Findings</h2>
<table><thead><tr><th>code</th><th class="num">high</th><th class="num">medium</th><th class="num">low</th><th class="num">revenue at stake</th></tr></thead><tbody>${countRows}</tbody></table>
<h3>Evidence</h3><p class="muted">Showing ${m.findingsShown} of ${m.headline.findings}; all are in findings.ndjson.</p>
<div class="filters"><label>code <select id="f-code"><option value="">all</option>${m.findingCounts.map((c) => `<option>${esc(c.code)}</option>`).join('')}</select></label>
<label>severity <select id="f-sev"><option value="">all</option><option>high</option><option>medium</option><option>low</option></select></label></div>
<div id="findings">${findingItems}</div></section>
${
  m.signals.length
    ? `<section aria-labelledby="h-net"><h2 id="h-net">Network evidence</h2><p class="muted">Signals from flow logs, DNS and public node lists; node and miner signals of moderate strength or more confirm the activity.</p>
<table><thead><tr><th>account</th><th>period</th><th>signal</th><th>strength</th><th class="num">records</th><th>rests on</th></tr></thead><tbody>${m.signals
        .map(
          (x) =>
            `<tr><td>${esc(x.account_id)}</td><td>${esc(x.period)}</td><td>${esc(x.signal)}${x.network ? ` (${esc(x.network)})` : ''}</td><td>${esc(x.strength)}</td><td class="num">${x.records}</td><td>${esc(x.rests_on)}</td></tr>`,
        )
        .join('')}</tbody></table></section>`
    : ''
}
${m.replay ? replaySection(m.replay) : ''}
<section aria-labelledby="h-rules"><h2 id="h-rules">Rulebook in force on ${esc(m.asOf)}</h2>
<p class="muted">Only <code>prohibited</code> rules raise findings. Hong Kong's and Singapore's rules are licensing rules: an activity needs a licence there, and Daylight holds no licence register, so they are shown but never raise a finding.</p>
<table><thead><tr><th>jurisdiction</th><th>activity</th><th>status</th><th>from</th><th>until</th><th>instrument</th></tr></thead><tbody>${ruleRows}</tbody></table>
${
  m.nameIndicators.length
    ? `<h3>Business names an instrument bars</h3><table><thead><tr><th>account</th><th>what the name holds</th></tr></thead><tbody>${m.nameIndicators.map((n) => `<tr><td>${esc(n.account_id)}</td><td>${esc(n.fact)}</td></tr>`).join('')}</tbody></table>`
    : ''
}</section>
</main>
<script>${echartsSource()}</script>
<script id="model" type="application/json">${scriptJson({ regions: m.regions, sankey: m.sankey, segments: m.segments })}</script>
<script>${CLIENT}</script>
</body></html>
`;
}

const MAX_REPLAY_ROWS = 500;

function replaySection({ summary: s, notable }: NonNullable<ReportModel['replay']>): string {
  const stopped = s.flagged.deny + s.flagged.review;
  const rows = notable
    .slice(0, MAX_REPLAY_ROWS)
    .map(
      (e) =>
        `<tr><td>${esc(e.at)}</td><td>${esc(e.kind)}</td><td>${esc(e.account_id)}</td><td class="dec-${esc(e.decision)}">${esc(e.decision)}</td><td>${e.reasons.map((r) => `<code>${esc(r.code)}</code> <span class="sev-${esc(r.severity)}">${esc(r.severity)}</span>`).join('<br>')}</td><td>${e.became.map((id) => `<code>${esc(id)}</code>`).join('<br>') || '<span class="muted">none</span>'}</td></tr>`,
    )
    .join('');
  return `<section aria-labelledby="h-replay"><h2 id="h-replay">Decisions before the fact</h2>
<p class="muted">Every address change, transfer and deal in the history, asked of the decision gate in time order on what was known the day before, set against the findings the whole history raises.</p>
<div class="cards">
<div class="card"><b>${stopped} of ${s.flagged.total}</b><span>events that later became findings, stopped (${s.flagged.deny} denied) or sent to review (${s.flagged.review}); ${s.flagged.allow} allowed</span></div>
<div class="card"><b>${s.ordinary.held} of ${s.ordinary.total} (${esc(s.ordinary.heldPct)} %)</b><span>ordinary events held up for review or denied: the cost of asking</span></div>
<div class="card"><b>${s.events}</b><span>events replayed</span></div>
</div>
<h3>Events held up or later found</h3><p class="muted">Showing ${Math.min(notable.length, MAX_REPLAY_ROWS)} of ${notable.length}; all events are in decisions.ndjson.</p>
<table><thead><tr><th>day</th><th>change</th><th>account</th><th>decision</th><th>reasons</th><th>later findings</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

const CLIENT = `
(function(){
var m=JSON.parse(document.getElementById('model').textContent);
var num=function(s){return Number(s)};
echarts.registerTheme('daylight',{animation:false});
var top=m.regions.filter(function(r){return r.jurisdiction||r.region==='UNMAPPED'});
var bases=Object.keys((m.regions[0]||{byBasis:{}}).byBasis);
echarts.init(document.getElementById('chart-bases'),'daylight').setOption({animation:false,tooltip:{trigger:'axis'},legend:{},grid:{left:90},
 xAxis:{type:'category',data:top.map(function(r){return r.region})},yAxis:{type:'value'},
 series:bases.map(function(b){return {name:b,type:'bar',data:top.map(function(r){return num(r.byBasis[b])})}})});
echarts.init(document.getElementById('chart-sankey'),'daylight').setOption({animation:false,tooltip:{},series:[{type:'sankey',emphasis:{focus:'adjacency'},
 data:m.sankey.nodes.map(function(n){return {name:n}}),links:m.sankey.links.map(function(l){return {source:l.source,target:l.target,value:num(l.value)}})}]});
var seg=m.segments;
echarts.init(document.getElementById('chart-segments'),'daylight').setOption({animation:false,tooltip:{trigger:'axis'},legend:{},grid:{left:90,right:60},
 xAxis:{type:'category',data:seg.periods},yAxis:[{type:'value',name:'revenue'},{type:'value',name:'prohibited %',max:100}],
 series:Object.keys(seg.series).map(function(k){return {name:k,type:'line',stack:'rev',areaStyle:{},data:seg.series[k].map(num)}})
 .concat([{name:'prohibited share %',type:'line',yAxisIndex:1,data:seg.prohibitedShare.map(num)}])});
function filter(){var c=document.getElementById('f-code').value,s=document.getElementById('f-sev').value;
 document.querySelectorAll('#findings details').forEach(function(d){d.style.display=(!c||d.dataset.code===c)&&(!s||d.dataset.severity===s)?'':'none'})}
document.getElementById('f-code').onchange=filter;document.getElementById('f-sev').onchange=filter;
})();`;
