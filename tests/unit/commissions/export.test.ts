import { TRANSACTION_UID } from '../../../server/src/constants';
import { commissionsCsv, csvCell, EXPORT_COLUMNS } from '../../../server/src/commissions/export';
import { runAsLedgerWriter } from '../../../server/src/commissions/ledger/scope';
import { createFakeDb } from './fake-db';

describe('csvCell', () => {
  it.each([
    [null, ''],
    [undefined, ''],
    [250, '250'],
    [-250, '-250'],
    [true, 'true'],
    ['tx-1', 'tx-1'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+33 1 23', "'+33 1 23"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTab', "'\tTab"],
    ['=HYPERLINK("https://evil.example","x")', `"'=HYPERLINK(""https://evil.example"",""x"")"`],
  ])('%j -> %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes dates as ISO 8601', () => {
    expect(csvCell(new Date('2026-11-26T07:00:00.000Z'))).toBe('2026-11-26T07:00:00.000Z');
  });
});

describe('commissionsCsv', () => {
  it('streams every matching row a page at a time, in id order, with the header first', async () => {
    const db = createFakeDb();
    await runAsLedgerWriter(async () => {
      for (let i = 1; i <= 1_503; i += 1) {
        await db.query(TRANSACTION_UID).create({
          data: { transaction_id: `tx-${i}`, status: i % 3 === 0 ? 'declined' : 'validated', amount: i, currency: 'USD' },
        });
      }
    });
    const chunks: string[] = [];
    for await (const chunk of commissionsCsv(db, { status: 'validated' })) chunks.push(chunk);
    // The header, then one chunk per page of 500 validated rows (1,002 of them: two full pages and one short).
    expect(chunks).toHaveLength(4);
    const lines = chunks.join('').trimEnd().split('\r\n');
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(','));
    const ids = lines.slice(1).map((line) => line.split(',')[0]);
    expect(ids).toHaveLength(1_002);
    expect(ids[0]).toBe('tx-1');
    expect(ids.at(-1)).toBe('tx-1502');
    expect(new Set(ids).size).toBe(1_002);
    // Each page asked for rows after the last id seen, never an offset.
    const pages = db.calls
      .filter((call) => call.method === 'findMany')
      .map((call) => (call.params as { where: { id: unknown } }).where.id);
    expect(pages).toEqual([{ $gt: 0 }, { $gt: expect.any(Number) }, { $gt: expect.any(Number) }]);
  });
});
