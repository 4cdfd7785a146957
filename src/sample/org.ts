/** The provider's organisation in the sample world: a Greater China region with mainland territories, HK and an SG-entity FSI team. */
export const ENTITIES = [
  { entity_id: 'E-BJ', name: 'Example Cloud (Beijing) Co., Ltd.', country: 'CN' },
  { entity_id: 'E-HK', name: 'Example Cloud (Hong Kong) Limited', country: 'HK' },
  { entity_id: 'E-SG', name: 'Example Cloud (Singapore) Pte. Ltd.', country: 'SG' },
  { entity_id: 'E-US', name: 'Example Cloud, Inc.', country: 'US' },
];

export const REGIONS = [
  { region_id: 'WORLD', parent_id: '', name: 'Worldwide', country: '' },
  { region_id: 'APJ', parent_id: 'WORLD', name: 'Asia Pacific and Japan', country: '' },
  { region_id: 'GCR', parent_id: 'APJ', name: 'Greater China', country: '' },
  { region_id: 'CN', parent_id: 'GCR', name: 'Mainland China', country: 'CN' },
  { region_id: 'CN-NORTH', parent_id: 'CN', name: 'CN North (Beijing)', country: '' },
  { region_id: 'CN-EAST', parent_id: 'CN', name: 'CN East (Shanghai)', country: '' },
  { region_id: 'CN-SOUTH', parent_id: 'CN', name: 'CN South (Shenzhen)', country: '' },
  { region_id: 'CN-WEST', parent_id: 'CN', name: 'CN West (Chengdu)', country: '' },
  { region_id: 'HK', parent_id: 'GCR', name: 'Hong Kong', country: 'HK' },
  { region_id: 'ASEAN', parent_id: 'APJ', name: 'ASEAN', country: '' },
  { region_id: 'SG', parent_id: 'ASEAN', name: 'Singapore', country: 'SG' },
  { region_id: 'JP', parent_id: 'APJ', name: 'Japan', country: 'JP' },
  { region_id: 'AMER', parent_id: 'WORLD', name: 'Americas', country: '' },
  { region_id: 'US', parent_id: 'AMER', name: 'United States', country: 'US' },
  { region_id: 'EMEA', parent_id: 'WORLD', name: 'Europe, Middle East and Africa', country: '' },
  { region_id: 'DE', parent_id: 'EMEA', name: 'Germany', country: 'DE' },
];

/** Where a billing address is, and the region its postal code credits. */
export interface Place {
  country: string;
  city: string;
  postalPrefix: string;
  postalDigits: number;
  region: string;
  cloudRegion: string;
}

export const PLACES: Record<string, Place> = {
  beijing: {
    country: 'CN',
    city: 'Beijing',
    postalPrefix: '100',
    postalDigits: 3,
    region: 'CN-NORTH',
    cloudRegion: 'cn-north-1',
  },
  shanghai: {
    country: 'CN',
    city: 'Shanghai',
    postalPrefix: '200',
    postalDigits: 3,
    region: 'CN-EAST',
    cloudRegion: 'cn-north-1',
  },
  shenzhen: {
    country: 'CN',
    city: 'Shenzhen',
    postalPrefix: '518',
    postalDigits: 3,
    region: 'CN-SOUTH',
    cloudRegion: 'cn-northwest-1',
  },
  chengdu: {
    country: 'CN',
    city: 'Chengdu',
    postalPrefix: '610',
    postalDigits: 3,
    region: 'CN-WEST',
    cloudRegion: 'cn-northwest-1',
  },
  hangzhou: {
    country: 'CN',
    city: 'Hangzhou',
    postalPrefix: '310',
    postalDigits: 3,
    region: 'CN',
    cloudRegion: 'cn-north-1',
  },
  hongkong: {
    country: 'HK',
    city: 'Hong Kong',
    postalPrefix: '',
    postalDigits: 0,
    region: 'HK',
    cloudRegion: 'ap-east-1',
  },
  singapore: {
    country: 'SG',
    city: 'Singapore',
    postalPrefix: '0',
    postalDigits: 5,
    region: 'SG',
    cloudRegion: 'ap-southeast-1',
  },
  tokyo: {
    country: 'JP',
    city: 'Tokyo',
    postalPrefix: '1',
    postalDigits: 6,
    region: 'JP',
    cloudRegion: 'ap-northeast-1',
  },
  sanfrancisco: {
    country: 'US',
    city: 'San Francisco',
    postalPrefix: '941',
    postalDigits: 2,
    region: 'US',
    cloudRegion: 'us-west-2',
  },
  frankfurt: {
    country: 'DE',
    city: 'Frankfurt',
    postalPrefix: '60',
    postalDigits: 3,
    region: 'DE',
    cloudRegion: 'eu-central-1',
  },
};

export const TERRITORIES = [
  { country: 'CN', postal_prefix: '', region_id: 'CN' },
  { country: 'CN', postal_prefix: '100', region_id: 'CN-NORTH' },
  { country: 'CN', postal_prefix: '200', region_id: 'CN-EAST' },
  { country: 'CN', postal_prefix: '518', region_id: 'CN-SOUTH' },
  { country: 'CN', postal_prefix: '610', region_id: 'CN-WEST' },
  { country: 'HK', postal_prefix: '', region_id: 'HK' },
  { country: 'SG', postal_prefix: '', region_id: 'SG' },
  { country: 'JP', postal_prefix: '', region_id: 'JP' },
  { country: 'US', postal_prefix: '', region_id: 'US' },
  { country: 'DE', postal_prefix: '', region_id: 'DE' },
];

export const TEAMS = [
  {
    team_id: 'T-BJ',
    name: 'CN North Territory (Beijing)',
    entity_id: 'E-BJ',
    sales_region: 'CN-NORTH',
    place: 'beijing',
  },
  {
    team_id: 'T-SH',
    name: 'CN East Territory (Shanghai)',
    entity_id: 'E-BJ',
    sales_region: 'CN-EAST',
    place: 'shanghai',
  },
  {
    team_id: 'T-SZ',
    name: 'CN South Territory (Shenzhen)',
    entity_id: 'E-BJ',
    sales_region: 'CN-SOUTH',
    place: 'shenzhen',
  },
  {
    team_id: 'T-CD',
    name: 'CN West Territory (Chengdu)',
    entity_id: 'E-BJ',
    sales_region: 'CN-WEST',
    place: 'chengdu',
  },
  {
    team_id: 'T-CN',
    name: 'CN Commercial (other cities)',
    entity_id: 'E-BJ',
    sales_region: 'CN',
    place: 'hangzhou',
  },
  { team_id: 'T-HK', name: 'Hong Kong Enterprise', entity_id: 'E-HK', sales_region: 'HK', place: 'hongkong' },
  {
    team_id: 'T-FSI',
    name: 'Financial Services (FSI)',
    entity_id: 'E-SG',
    sales_region: 'SG',
    place: 'singapore',
  },
  {
    team_id: 'T-SG',
    name: 'Singapore Commercial',
    entity_id: 'E-SG',
    sales_region: 'SG',
    place: 'singapore',
  },
  { team_id: 'T-JP', name: 'Japan Digital Natives', entity_id: 'E-US', sales_region: 'JP', place: 'tokyo' },
  { team_id: 'T-US', name: 'US West', entity_id: 'E-US', sales_region: 'US', place: 'sanfrancisco' },
  { team_id: 'T-EU', name: 'DACH', entity_id: 'E-US', sales_region: 'DE', place: 'frankfurt' },
];

export const teamOfPlace = (place: string) =>
  TEAMS.find((t) => t.place === place && t.team_id !== 'T-FSI')!.team_id;
export const entityCountry = (teamId: string) =>
  ENTITIES.find((e) => e.entity_id === TEAMS.find((t) => t.team_id === teamId)!.entity_id)!.country;
export const teamRegion = (teamId: string) => TEAMS.find((t) => t.team_id === teamId)!.sales_region;

export const AGENTS = [
  { agent_id: 'AG-01', name: '深圳云联科技有限公司', country: 'CN' },
  { agent_id: 'AG-02', name: 'Harbour Cloud Partners Ltd', country: 'HK' },
  { agent_id: 'AG-03', name: 'Lion City Reseller Pte Ltd', country: 'SG' },
];

/** Where each cloud region the sample uses is: the places' regions, and us-east-1 for compute run abroad. */
export const CLOUD_COUNTRY: Record<string, string> = {
  ...Object.fromEntries(Object.values(PLACES).map((p) => [p.cloudRegion, p.country])),
  'us-east-1': 'US',
};
