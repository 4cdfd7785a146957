/** A Route 53 Resolver query log record as AWS documents it, for the readers' tests. */
export const resolverRecord = {
  version: '1.100000',
  account_id: '111122223333',
  region: 'ap-southeast-1',
  vpc_id: 'vpc-0123',
  query_timestamp: '2022-06-29T10:05:25Z',
  query_name: 'eth-eu1.nanopool.org.',
  query_type: 'A',
  query_class: 'IN',
  rcode: 'NOERROR',
  answers: [{ Rdata: '51.15.69.136', Type: 'A', Class: 'IN' }],
  srcaddr: '10.0.1.5',
  srcport: '49271',
  transport: 'UDP',
  srcids: { instance: 'i-0123' },
};
