import type { Rng } from './rng.ts';

/** Industries with no crypto activity, including business language that must not fire. */
export const BENIGN_INDUSTRIES = [
  'E-commerce',
  'Online education',
  'Gaming',
  'Logistics',
  'Manufacturing',
  'SaaS',
  'Media & streaming',
  'Healthcare IT',
  'Data mining & analytics',
  '数据挖掘与分析',
  'データマイニング',
  'Microsoft Exchange hosting',
  'Foreign exchange advisory',
  'Stock exchange listing services',
  'CDN节点服务',
  'Iconography and design studio',
  '电子商务',
  '在线教育',
  'ゲーム開発',
  '物流',
  '',
];

export const CRYPTO_INDUSTRY = {
  'crypto.exchange': [
    'Crypto exchange',
    'Digital-asset exchange',
    '数字货币交易平台',
    '虚拟货币交易',
    '暗号資産取引所',
  ],
  'crypto.mining': ['Bitcoin mining', 'Mining pool operator', '矿池运营', '挖矿服务', 'マイニング事業'],
  'crypto.node': [
    'Ethereum node hosting',
    'Validator node operator',
    '区块链节点服务',
    'イーサリアムノード運用',
  ],
  'crypto.token-issuance': ['Token issuance platform', '代币发行服务', 'トークン発行支援'],
} as const;

export const BROAD_INDUSTRY = ['Blockchain', '区块链', 'Digital assets', '数字货币'];
export const NEUTRAL_FINTECH = ['Fintech', '金融科技', 'Payments', 'フィンテック'];

/** Ordinary CRM notes, some with decoy words. */
export const BENIGN_NOTES: [string, string][] = [
  ['Quarterly business review', 'Reviewed spend and reserved-instance coverage.'],
  ['Migration workshop', 'Customer migrating Microsoft Exchange to Exchange Online; scoped mail relay.'],
  ['Analytics roadmap', 'They run data mining and text mining jobs on EMR every night.'],
  ['季度回顾', '客户在做数据挖掘，讨论了存储成本优化。'],
  ['CDN方案', '客户需要更多CDN节点覆盖华南。'],
  ['打ち合わせ', 'データマイニング基盤の移行について相談。'],
  ['FX pricing', 'Asked about exchange rate handling for invoices in foreign exchange.'],
  ['IPO prep', 'Preparing a stock exchange listing; needs audit logs retained.'],
  ['Design system', 'New iconography and ICON set for the console app.'],
  ['Support escalation', 'Latency in cn-north-1; opened a case with the service team.'],
];

export interface CrmText {
  subject: string;
  body: string;
}

export const ACTIVITY_MENTION: Record<string, CrmText[]> = {
  'crypto.token-issuance': [
    {
      subject: 'Launch planning',
      body: 'Customer plans a token sale next quarter and expects traffic spikes.',
    },
    { subject: '发币计划', body: '客户准备发行代币，询问弹性扩容。' },
    { subject: 'ローンチ相談', body: '来期にトークン発行を予定しているとのこと。' },
  ],
};

/** Notes in which the account manager offers or arranges help toward an activity. */
export const FACILITATION: Record<string, CrmText[]> = {
  'crypto.exchange': [
    {
      subject: 'Follow-up',
      body: 'Noticed they run an Ethereum node; offered to introduce the customer to two exchanges we work with.',
    },
    { subject: '客户拜访', body: '客户在跑以太坊节点，答应帮他们介绍交易所。' },
    { subject: '訪問メモ', body: '先方はノードを運用中。提携先の取引所を紹介することになった。' },
  ],
  'crypto.mining': [{ subject: '资源对接', body: '答应对接矿池资源，帮助客户扩大规模。' }],
};

/** Near-misses: words close to facilitation that are ordinary business. */
export const FACILITATION_DECOYS: CrmText[] = [
  { subject: 'Intro', body: 'Introduced the customer to our stock exchange listing team for the IPO.' },
  { subject: 'Mail', body: 'Connected them with Microsoft Exchange support for the migration.' },
];

const SYLLABLES = [
  'Nova',
  'Lumen',
  'Apex',
  'Blue',
  'River',
  'Stone',
  'Peak',
  'Harbor',
  'Swift',
  'Cedar',
  'Orbit',
  'Pixel',
];
const SUFFIX = ['Technologies', 'Labs', 'Networks', 'Holdings', 'Digital', 'Systems'];
const CN_WORDS = ['星辰', '云海', '极光', '远航', '蓝图', '金石', '青松', '天宇', '华信', '智联'];
const CN_SUFFIX = ['科技有限公司', '网络科技有限公司', '信息技术有限公司', '数据有限公司'];

export function companyName(rng: Rng, chinese: boolean): string {
  return chinese
    ? `${rng.pick(CN_WORDS)}${rng.pick(CN_WORDS)}${rng.pick(CN_SUFFIX)}`
    : `${rng.pick(SYLLABLES)}${rng.pick(SYLLABLES).toLowerCase()} ${rng.pick(SUFFIX)}`;
}

const GIVEN = ['Wei', 'Li', 'Jun', 'Min', 'Hao', 'Yan', 'Lei', 'Ying', 'Tao', 'Xin', 'Mei', 'Kai'];
const FAMILY = ['Wang', 'Zhang', 'Chen', 'Liu', 'Lim', 'Tan', 'Ng', 'Huang', 'Zhao', 'Sato'];

export function personName(rng: Rng): string {
  return `${rng.pick(GIVEN)} ${rng.pick(FAMILY)}`;
}

/**
 * Notes that name an activity but do not assert it, or ask for help the staff refused (findings.md §3a): none may
 * raise anything.
 */
export const NOT_EVIDENCE: CrmText[] = [
  { subject: '合规咨询', body: '客户问能否介绍交易所，我们明确拒绝并上报合规。' },
  {
    subject: 'Request',
    body: 'Customer asked us to introduce them to an exchange; we declined and escalated to compliance.',
  },
  { subject: '依頼', body: '取引所を紹介してほしいと頼まれたが、断りました。' },
  {
    subject: 'KYC check',
    body: 'Compliance asked whether the customer runs a crypto exchange; it does not.',
  },
  { subject: '尽调', body: '客户不从事虚拟货币交易，也没有矿机。' },
  { subject: '確認', body: '暗号資産取引所を運営しているかどうか確認した。運営していません。' },
  { subject: 'Review', body: 'They do not run a mining pool; the GPUs are for rendering.' },
];

/** Notes in which one sentence is negated and the next asserts an activity; or a plan, which still counts. */
export const ASSERTED_BESIDE_NEGATION: CrmText[] = [
  { subject: '拜访记录', body: '客户不做电商。未来计划扩大矿池业务。' },
  { subject: 'Visit', body: 'We do not host their website. They run a mining pool in Sichuan.' },
  { subject: '訪問', body: 'ウェブサイトはありません。マイニング事業を拡大中。' },
];
