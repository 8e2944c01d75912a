import { describe, expect, it } from 'vitest';
import { csvField, csvLine, parseCsv } from '../../src/access/csv.js';

describe('CSV cells against spreadsheet formula injection', () => {
  it.each(['=1+1', '+1', '-1+HYPERLINK("http://evil","x")', '-1', '@SUM(A1)', '\t=1', '\r=1', '-', '+86 138 0000 0000'])('neutralises the text cell %j', (text) => {
    const [cell] = parseCsv(csvLine([text]))[0]!;
    expect(cell).toBe(`'${text}`);
  });

  it('leaves other text and numbers as they are', () => {
    expect(csvField('豫A12345')).toBe('豫A12345');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(97)).toBe('97');
    expect(csvField(null)).toBe('');
  });

  it('quotes commas, quotes and line breaks (RFC 4180) after neutralising', () => {
    expect(csvField('=a,"b"')).toBe(`"'=a,""b"""`);
    expect(parseCsv(csvLine(['x\ny', '=1,2']))).toEqual([['x\ny', "'=1,2"]]);
  });
});
