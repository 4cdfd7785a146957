import type { HostingReport } from '../../engine/network/hosting.ts';
import { echartsSource, esc, STYLE, scriptJson } from './html.ts';

/** A self-contained page: node shares per provider (pie) and per provider region (bars), with the table. */
export function renderHosting(report: HostingReport, title: string): string {
  const rows = report.byRegion
    .map(
      (r) =>
        `<tr><td>${esc(r.provider)}</td><td>${esc(r.region ?? '—')}</td><td class="num">${r.nodes}</td><td class="num">${(r.share * 100).toFixed(1)} %</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><header><h1>${esc(title)}</h1><p>${report.nodes} nodes; the most specific published block decides provider and region.</p></header><main>
<section><h2>By provider</h2><div id="pie" class="chart" role="img" aria-label="Share of nodes per provider"></div></section>
<section><h2>By provider region</h2><div id="bars" class="chart" style="height:560px" role="img" aria-label="Nodes per provider region"></div>
<table><thead><tr><th>provider</th><th>region</th><th class="num">nodes</th><th class="num">share</th></tr></thead><tbody>${rows}</tbody></table></section>
</main><script>${echartsSource()}</script>
<script id="model" type="application/json">${scriptJson(report)}</script>
<script>(function(){var m=JSON.parse(document.getElementById('model').textContent);
echarts.init(document.getElementById('pie')).setOption({animation:false,tooltip:{formatter:'{b}: {c} ({d}%)'},series:[{type:'pie',radius:'65%',data:m.byProvider.map(function(p){return {name:p.provider,value:p.nodes}})}]});
var top=m.byRegion.slice(0,25).reverse();
echarts.init(document.getElementById('bars')).setOption({animation:false,tooltip:{},grid:{left:220},xAxis:{type:'value'},yAxis:{type:'category',data:top.map(function(r){return r.provider+' '+(r.region||'')})},series:[{type:'bar',data:top.map(function(r){return r.nodes})}]});
})();</script></body></html>
`;
}
