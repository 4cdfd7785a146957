import { FINDING_CODES, SEVERITIES } from '../../contract/finding.ts';
import { BASES } from '../../contract/tables.ts';
import type { Rulebook } from '../../engine/rulebook/rulebook.ts';
import { verifyLedger } from '../../store/ledger.ts';
import type { Store } from '../../store/store.ts';
import { CASE_STATUSES, casesOf } from '../../usecases/cases.ts';
import { explainFigure } from '../../usecases/explain.ts';
import { type Principal, roleAtLeast } from '../../usecases/users.ts';
import { accountDetail, findingDetail, listFindings, type Workspace } from '../api/workspace.ts';
import { echartsSource, esc, STYLE, scriptJson } from '../report/html.ts';

export interface PageContext {
  ws: Workspace;
  store: Store;
  principal: Principal | null;
  params: Record<string, string>;
  query: Record<string, string>;
  rulebook: Rulebook;
}

interface Page {
  url: string;
  title: string;
  render(ctx: PageContext): Promise<string>;
}

const UI_STYLE = `${STYLE}
nav{display:flex;gap:16px;align-items:center;background:#1d2939;padding:8px 32px}nav a{color:#e4e7ec;text-decoration:none}nav a:focus,nav a:hover{text-decoration:underline;outline:2px solid #84caff}
nav .who{margin-left:auto;color:#98a2b3}button,select,input,textarea{font:inherit;padding:4px 8px}form.inline{display:flex;gap:8px;flex-wrap:wrap;align-items:end}
label{display:flex;flex-direction:column;font-size:13px;color:#475467}.pill{border:1px solid var(--line);border-radius:12px;padding:0 8px;font-size:12px}
a{color:#175cd3}table.rows td{font-size:12px}.error{color:var(--high)}`;

const money = (s: string) => esc(s);

function layout(ctx: PageContext, title: string, body: string, script = ''): string {
  const nav = ctx.principal
    ? `<nav aria-label="main"><a href="/">Findings</a><a href="/revenue">Revenue</a><a href="/reconciliation">Reconciliation</a><a href="/rules">Rulebook</a><a href="/ledger">Ledger</a>
<span class="who">${esc(ctx.principal.name)} (${esc(ctx.principal.role)})</span><button id="logout" type="button">Sign out</button></nav>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · Daylight</title><style>${UI_STYLE}</style></head><body>
<header><h1>${esc(title)}</h1></header>${nav}<main>${body}</main>
<script>
async function api(method, url, body){const r=await fetch(url,{method,headers:{'content-type':'application/json'},body:body?JSON.stringify(body):undefined});const j=await r.json().catch(()=>({}));if(!r.ok)throw new Error(j.error||r.statusText);return j}
var lo=document.getElementById('logout');if(lo)lo.onclick=async function(){await api('POST','/api/logout');location.href='/login'};
${script}
</script></body></html>`;
}

const options = (values: readonly string[], selected?: string) =>
  `<option value="">all</option>${values.map((v) => `<option${v === selected ? ' selected' : ''}>${esc(v)}</option>`).join('')}`;

const loginPage: Page = {
  url: '/login',
  title: 'Sign in',
  render: async (ctx) =>
    layout(
      ctx,
      'Daylight workspace',
      `<section><h2>Sign in</h2><form id="login" class="inline"><label>Name<input name="name" autocomplete="username" required autofocus></label>
<label>Password<input name="password" type="password" autocomplete="current-password" required></label><button type="submit">Sign in</button></form><p id="err" class="error" role="alert"></p></section>`,
      `document.getElementById('login').onsubmit=async function(e){e.preventDefault();const f=new FormData(e.target);try{await api('POST','/api/login',{name:f.get('name'),password:f.get('password')});location.href='/'}catch(x){document.getElementById('err').textContent=x.message}}`,
    ),
};

const inboxPage: Page = {
  url: '/',
  title: 'Findings',
  render: async (ctx) => {
    const q = ctx.query;
    const latest = await ctx.ws.latest();
    if (!latest)
      return layout(
        ctx,
        'Findings',
        '<section><p>Nothing has been audited yet: run <code>daylight audit BUNDLE --out DIR</code> against this store.</p></section>',
      );
    const list = await listFindings(ctx.ws, {
      code: (q.code || undefined) as never,
      severity: (q.severity || undefined) as never,
      status: (q.status || undefined) as never,
      account: q.account || undefined,
      text: q.text || undefined,
      sort: 'severity',
      order: 'desc',
      page: Math.max(1, Number(q.page) || 1),
      page_size: 50,
    });
    const counts = (name: string, c: Record<string, number>) =>
      `<p><b>${esc(name)}</b> ${Object.entries(c)
        .map(([k, n]) => `<span class="pill">${esc(k)} ${n}</span>`)
        .join(' ')}</p>`;
    const rows = list.items
      .map(
        (
          f,
        ) => `<tr><td><a href="/findings/${esc(f.id)}">${esc(f.id)}</a></td><td class="sev-${esc(f.severity)}">${esc(f.severity)}</td><td><code>${esc(f.code)}</code></td>
<td>${f.account_id ? `<a href="/accounts/${esc(f.account_id)}">${esc(f.account_id)}</a>` : esc(f.staff_id ?? f.region_id ?? '')}</td><td>${esc(f.period_from)}…${esc(f.period_to)}</td><td class="num">${money(f.revenue_at_stake)}</td><td>${esc(f.case.status)}</td></tr>`,
      )
      .join('');
    const gone = (await casesOf(ctx.store, latest.findings)).filter((c) => c.disappeared);
    const page = list.page;
    const link = (p: number) => `?${new URLSearchParams({ ...q, page: String(p) }).toString()}`;
    return layout(
      ctx,
      'Findings',
      `<section aria-labelledby="filters"><h2 id="filters">Filter</h2><form class="inline" method="get" action="/">
<label>Code<select name="code">${options(FINDING_CODES, q.code)}</select></label><label>Severity<select name="severity">${options(SEVERITIES, q.severity)}</select></label>
<label>Status<select name="status">${options(CASE_STATUSES, q.status)}</select></label><label>Account<input name="account" value="${esc(q.account ?? '')}"></label>
<label>Text<input name="text" value="${esc(q.text ?? '')}"></label><button type="submit">Apply</button></form>
${counts('code', list.counts.code)}${counts('severity', list.counts.severity)}${counts('status', list.counts.status)}</section>
<section aria-labelledby="list"><h2 id="list">${list.total} finding(s)</h2><table><thead><tr><th>id</th><th>severity</th><th>code</th><th>subject</th><th>periods</th><th class="num">at stake</th><th>status</th></tr></thead><tbody>${rows}</tbody></table>
<p>${page > 1 ? `<a href="${esc(link(page - 1))}">← previous</a>` : ''} page ${page} ${page * list.page_size < list.total ? `<a href="${esc(link(page + 1))}">next →</a>` : ''}</p></section>
${gone.length ? `<section><h2>Triaged findings no longer raised (${gone.length})</h2><p class="muted">Their stable ids are not in the newest run; the triage is kept.</p><ul>${gone.map((c) => `<li><code>${esc(c.finding_id)}</code> ${esc(c.status)}${c.resolution ? ` (${esc(c.resolution)})` : ''}</li>`).join('')}</ul></section>` : ''}`,
    );
  },
};

const findingPage: Page = {
  url: '/findings/:id',
  title: 'Finding',
  render: async (ctx) => {
    const d = await findingDetail(ctx.ws, ctx.params.id!).catch(() => null);
    if (!d)
      return layout(
        ctx,
        'Finding',
        '<section><p class="error">No such finding in the newest run.</p></section>',
      );
    const f = d.finding;
    const evidence = f.evidence
      .map(
        (e) =>
          `<tr><td>${esc(e.table)}</td><td><code>${esc(e.key)}</code></td><td>${esc(e.fact)}${
            e.rows.length
              ? `<table class="rows"><tbody>${e.rows
                  .map(
                    (r) =>
                      `<tr>${Object.entries(r)
                        .map(([k, v]) => `<td title="${esc(k)}">${esc(v ?? '')}</td>`)
                        .join('')}</tr>`,
                  )
                  .join('')}</tbody></table>`
              : ''
          }</td></tr>`,
      )
      .join('');
    const canTriage = ctx.principal && roleAtLeast(ctx.principal.role, 'analyst');
    const form = canTriage
      ? `<form id="case" class="inline"><label>Status<select name="status">${CASE_STATUSES.map((s) => `<option${s === d.case.status ? ' selected' : ''}>${s}</option>`).join('')}</select></label>
<label>Resolution<select name="resolution"><option value="">—</option><option>confirmed</option><option>dismissed</option></select></label>
<label>Snoozed until<input name="snoozed_until" type="date"></label><label>Assignee<input name="assignee" value="${esc(d.case.assignee ?? '')}"></label>
<label>Why<input name="why" required minlength="3"></label><button type="submit">Save</button></form><p id="err" class="error" role="alert"></p>
<form id="comment" class="inline"><label>Comment<textarea name="text" rows="2" cols="50" required></textarea></label><button type="submit">Comment</button></form>`
      : '<p class="muted">Viewers can read; analysts triage.</p>';
    return layout(
      ctx,
      `${f.code} · ${f.id}`,
      `<section><h2>${esc(f.summary)}</h2><div class="cards"><div class="card"><b class="sev-${esc(f.severity)}">${esc(f.severity)}</b><span>severity</span></div>
<div class="card"><b>${money(f.revenue_at_stake)}</b><span>revenue at stake</span></div><div class="card"><b>${esc(f.period_from)}…${esc(f.period_to)}</b><span>periods</span></div>
<div class="card"><b id="status">${esc(d.case.status)}</b><span>case${d.case.resolution ? ` (${esc(d.case.resolution)})` : ''}${d.case.assignee ? `, ${esc(d.case.assignee)}` : ''}</span></div></div>
<p>${f.account_id ? `account <a href="/accounts/${esc(f.account_id)}">${esc(f.account_id)}</a> · ` : ''}${f.staff_id ? `staff ${esc(f.staff_id)} · ` : ''}${f.jurisdiction ? `jurisdiction ${esc(f.jurisdiction)} · ` : ''}${f.activity ? esc(f.activity) : ''}</p>
<p class="muted">settings <code>${esc(JSON.stringify(f.settings))}</code></p></section>
<section><h2>Triage</h2>${form}<h3>Comments</h3><ul>${d.comments.map((c) => `<li>${esc(c.commented_at)} ${esc(c.author)}: ${esc(c.text)}</li>`).join('') || '<li>none</li>'}</ul></section>
<section><h2>Evidence</h2><table><thead><tr><th>table</th><th>key</th><th>fact and the rows it cites</th></tr></thead><tbody>${evidence}</tbody></table></section>`,
      `var cf=document.getElementById('case');if(cf)cf.onsubmit=async function(e){e.preventDefault();const f=new FormData(e.target);const b={why:f.get('why'),status:f.get('status')};
if(f.get('resolution'))b.resolution=f.get('resolution');if(f.get('snoozed_until'))b.snoozed_until=f.get('snoozed_until');if(f.get('assignee'))b.assignee=f.get('assignee');
try{await api('PATCH','/api/findings/${esc(f.id)}/case',b);location.reload()}catch(x){document.getElementById('err').textContent=x.message}};
var cm=document.getElementById('comment');if(cm)cm.onsubmit=async function(e){e.preventDefault();const f=new FormData(e.target);try{await api('POST','/api/findings/${esc(f.id)}/comments',{text:f.get('text')});location.reload()}catch(x){document.getElementById('err').textContent=x.message}};`,
    );
  },
};

const table = (rows: object[]) =>
  rows.length === 0
    ? '<p class="muted">none</p>'
    : `<table><thead><tr>${Object.keys(rows[0]!)
        .map((k) => `<th>${esc(k)}</th>`)
        .join('')}</tr></thead><tbody>${rows
        .map(
          (r) =>
            `<tr>${Object.values(r)
              .map((v) => `<td>${esc(v ?? '')}</td>`)
              .join('')}</tr>`,
        )
        .join('')}</tbody></table>`;

const accountPage: Page = {
  url: '/accounts/:id',
  title: 'Account',
  render: async (ctx) => {
    const d = await accountDetail(ctx.ws, ctx.params.id!).catch(() => null);
    if (!d) return layout(ctx, 'Account', '<section><p class="error">No such account.</p></section>');
    const a = d.account;
    const findings = d.findings.map((f) => ({
      id: f.id,
      code: f.code,
      severity: f.severity,
      periods: `${f.period_from}…${f.period_to}`,
      activity: f.activity ?? '',
      at_stake: f.revenue_at_stake,
    }));
    return layout(
      ctx,
      `Account ${String(a.account_id)}`,
      `<section><h2>${esc(a.name)}</h2><p>registered ${esc(a.registered_country)} · HQ ${esc(a.hq_country)} ${esc(a.hq_city ?? '')} · industry “${esc(a.declared_industry ?? '')}” · created ${esc(a.created_at)}${a.closed_at ? ` · closed ${esc(a.closed_at)}` : ''}</p></section>
<section><h2>Findings</h2>${table(findings).replace(/<td>([A-Za-z]+-[0-9a-f]{16})<\/td>/g, '<td><a href="/findings/$1">$1</a></td>')}</section>
<section><h2>Nexus (tests that hold, by jurisdiction and run of periods)</h2>${table(d.nexus)}</section>
<section><h2>Verdicts (prohibited-activity periods, with the nexus tests that held)</h2>${table(d.verdicts)}</section>
<section><h2>Billing addresses</h2>${table(d.billing_addresses)}</section><section><h2>Ownership</h2>${table(d.ownership)}</section>
<section><h2>Payment methods</h2>${table(d.payment_methods)}</section><section><h2>CRM activities</h2>${table(d.activities)}</section><section><h2>Deals</h2>${table(d.deals)}</section>
<section><h2>Revenue by month</h2><div id="rev" class="chart" role="img" aria-label="Revenue by month"></div>${table(d.revenue_by_month)}</section>
<script>${echartsSource()}</script><script id="m" type="application/json">${scriptJson(d.revenue_by_month)}</script>`,
      `var m=JSON.parse(document.getElementById('m').textContent);echarts.init(document.getElementById('rev')).setOption({animation:false,tooltip:{trigger:'axis'},xAxis:{type:'category',data:m.map(function(r){return r.period})},yAxis:{type:'value'},series:[{type:'bar',data:m.map(function(r){return Number(r.amount)})}]});`,
    );
  },
};

const revenuePage: Page = {
  url: '/revenue',
  title: 'Revenue',
  render: async (ctx) => {
    const latest = await ctx.ws.latest();
    if (!latest) return layout(ctx, 'Revenue', '<section><p>Nothing audited yet.</p></section>');
    const revenue = await ctx.store.runOutput(latest.runId, 'revenue');
    const sankey = await ctx.store.runOutput(latest.runId, 'sankey');
    const periods = [...new Set(revenue.map((r) => String(r.period)))].sort();
    const period = periods.includes(ctx.query.period ?? '') ? ctx.query.period! : periods.at(-1)!;
    const cells = new Map<string, Record<string, string>>();
    for (const r of revenue.filter((x) => x.period === period)) {
      const row = cells.get(String(r.region_id)) ?? {};
      row[String(r.basis)] = String(r.amount);
      cells.set(String(r.region_id), row);
    }
    const drill = (basis: string, region: string) =>
      `/revenue/rows?${new URLSearchParams({ basis, period, region }).toString()}`;
    const rows = [...cells]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([region, b]) =>
          `<tr><td>${esc(region)}</td>${BASES.map((basis) => `<td class="num">${b[basis] ? `<a href="${esc(drill(basis, region))}">${esc(b[basis])}</a>` : '0.00'}</td>`).join('')}</tr>`,
      )
      .join('');
    return layout(
      ctx,
      'Revenue',
      `<section><form class="inline" method="get"><label>Period<select name="period">${periods.map((p) => `<option${p === period ? ' selected' : ''}>${esc(p)}</option>`).join('')}</select></label><button type="submit">Show</button></form>
<h2>Bases side by side, ${esc(period)}</h2><table><thead><tr><th>region</th>${BASES.map((b) => `<th class="num">${b}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>
<p class="muted">Each figure opens the invoice rows behind it with the facts that credited them.</p></section>
<section><h2>Booked region → HQ country</h2><div id="sankey" class="chart" style="height:520px" role="img" aria-label="Sankey of booked region to HQ country"></div></section>
<script>${echartsSource()}</script><script id="s" type="application/json">${scriptJson(sankey)}</script>`,
      `var l=JSON.parse(document.getElementById('s').textContent);var n=[];l.forEach(function(x){if(n.indexOf(x.source)<0)n.push(x.source);if(n.indexOf(x.target)<0)n.push(x.target)});
echarts.init(document.getElementById('sankey')).setOption({animation:false,tooltip:{},series:[{type:'sankey',data:n.map(function(x){return {name:x}}),links:l.map(function(x){return {source:x.source,target:x.target,value:Number(x.value)}})}]});`,
    );
  },
};

const revenueRowsPage: Page = {
  url: '/revenue/rows',
  title: 'Revenue rows',
  render: async (ctx) => {
    const latest = await ctx.ws.latest();
    const { basis, period, region } = ctx.query;
    if (!latest || !BASES.includes(basis as never) || !/^\d{4}-\d{2}$/.test(period ?? '') || !region)
      return layout(
        ctx,
        'Revenue rows',
        '<section><p class="error">Give basis, period and region.</p></section>',
      );
    const e = await explainFigure(
      ctx.store,
      latest.snapshotId,
      basis as (typeof BASES)[number],
      period!,
      region,
    );
    const rows = e.rows
      .slice(0, 500)
      .map(
        (
          r,
        ) => `<tr><td>${esc(r.invoice_id)}</td><td><a href="/accounts/${esc(r.account_id)}">${esc(r.account_id)}</a></td><td>${esc(r.service)}@${esc(r.usage_region)}</td><td class="num">${esc(r.net_amount)}</td>
<td>${r.credits.map((c) => `${esc(c.region)}: ${c.lineage.map((l) => `${esc(l.table)} [${esc(l.key)}] ${esc(l.fact)}`).join(' → ')}`).join('<br>')}</td></tr>`,
      )
      .join('');
    return layout(
      ctx,
      `${basis} · ${region} · ${period}`,
      `<section><h2>${esc(e.amount)} from ${e.invoice_rows} invoice row(s)</h2><p><a href="/revenue?period=${esc(period!)}">← revenue</a></p>
<table><thead><tr><th>invoice</th><th>account</th><th>service</th><th class="num">net</th><th>lineage</th></tr></thead><tbody>${rows}</tbody></table>${e.rows.length > 500 ? `<p class="muted">first 500 of ${e.rows.length}</p>` : ''}</section>`,
    );
  },
};

const reconciliationPage: Page = {
  url: '/reconciliation',
  title: 'Reconciliation',
  render: async (ctx) => {
    const latest = await ctx.ws.latest();
    const rows = latest ? await ctx.store.runOutput(latest.runId, 'reconciliation') : [];
    return layout(
      ctx,
      'Reconciliation',
      `<section><h2>Reported against the books</h2>${table(rows)}</section>`,
    );
  },
};

const rulesPage: Page = {
  url: '/rules',
  title: 'Rulebook',
  render: async (ctx) => {
    const at = /^\d{4}-\d{2}-\d{2}$/.test(ctx.query.at ?? '')
      ? ctx.query.at!
      : new Date().toISOString().slice(0, 10);
    const rules = ctx.rulebook.inForce(at).map((r) => ({
      jurisdiction: r.jurisdiction,
      activity: r.activity,
      status: r.status,
      from: r.from,
      to: r.to ?? '',
      instrument: `${r.instrumentInfo.number ?? ''} ${r.instrumentInfo.title}`,
    }));
    return layout(
      ctx,
      'Rulebook',
      `<section><form class="inline" method="get"><label>In force on<input type="date" name="at" value="${esc(at)}"></label><button type="submit">Show</button></form><h2>Rulebook ${esc(ctx.rulebook.version)}, in force on ${esc(at)}</h2>${table(rules)}</section>`,
    );
  },
};

const ledgerPage: Page = {
  url: '/ledger',
  title: 'Ledger',
  render: async (ctx) => {
    const entries = (await ctx.store.ledger.entries()).reverse().slice(0, 200);
    const v = await verifyLedger(ctx.store.db);
    const rows = entries.map((e) => ({
      seq: e.seq,
      at: e.at,
      kind: e.kind,
      actor: e.actor,
      what: describeEntry(e.body),
      hash: e.hash.slice(0, 16),
    }));
    return layout(
      ctx,
      'Ledger',
      `<section><p id="verify" class="${v.ok ? '' : 'error'}">${v.ok ? `verified: ${v.entries} entries, head <code>${esc(v.head)}</code>` : `broken at entry ${v.broken!.seq}: ${esc(v.broken!.reason)}`}</p>${table(rows)}</section>`,
    );
  },
};

/** A ledger entry's body in a line a person reads. */
function describeEntry(b: Record<string, unknown>): string {
  const state = (x: unknown) => (x as { status?: string } | undefined)?.status ?? '';
  if (b.finding_id && b.comment) return `comment on ${b.finding_id}: ${b.comment}`;
  if (b.finding_id) return `${b.finding_id}: ${state(b.before)} → ${state(b.after)} (${b.why})`;
  if (b.run_id)
    return `audit run ${b.run_id} of snapshot ${b.snapshot_id}: ${b.finding_count} findings, digest ${String(b.findings_digest).slice(0, 16)}…`;
  if (b.snapshot_id)
    return `ingest of snapshot ${b.snapshot_id} from ${b.bundle_dir} (${(b.files as unknown[]).length} files)`;
  return JSON.stringify(b).slice(0, 200);
}

export const UI_ROUTES: Page[] = [
  loginPage,
  inboxPage,
  findingPage,
  accountPage,
  revenuePage,
  revenueRowsPage,
  reconciliationPage,
  rulesPage,
  ledgerPage,
];

export function renderPage(page: Page, ctx: PageContext): Promise<string> {
  return page.render(ctx);
}
