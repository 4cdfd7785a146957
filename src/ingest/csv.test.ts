import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser } from './csv.ts';

function parse(chunks: string[]) {
  const records: { cells: string[]; line: number }[] = [];
  const errors: { line: number; message: string }[] = [];
  const p = new CsvParser(
    (cells, line) => records.push({ cells, line }),
    (line, message) => errors.push({ line, message }),
  );
  for (const c of chunks) p.push(c);
  p.end();
  return { records, errors };
}

describe('CSV parser', () => {
  it('reads quoted fields with commas, quotes and line breaks, numbering lines where records start', () => {
    const { records, errors } = parse(['a,b\n"x, y","say ""hi"""\n"two\nlines",z\nlast,row']);
    expect(errors).toEqual([]);
    expect(records.map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', 'z'],
      ['last', 'row'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it('strips a BOM and handles CRLF', () => {
    const { records } = parse(['\uFEFFid,name\r\n1,交易所\r\n']);
    expect(records.map((r) => r.cells)).toEqual([
      ['id', 'name'],
      ['1', '交易所'],
    ]);
  });

  it('gives the same records however the text is split into chunks', () => {
    const text = 'a,b\r\n"q""uote","multi\r\nline"\r\nx,\r\n';
    const whole = parse([text]).records;
    for (let i = 1; i < text.length; i++)
      expect(parse([text.slice(0, i), text.slice(i)]).records).toEqual(whole);
  });

  it('reports an unclosed quote and a stray quote with their lines', () => {
    expect(parse(['a\n"open\n']).errors[0]).toMatchObject({ line: 2 });
    expect(parse(['a\nx"y\n']).errors[0]).toMatchObject({ line: 2 });
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 5 }), (chunks) => {
        expect(() => parse(chunks)).not.toThrow();
      }),
    );
  });
});
