import { attachmentName } from '../../../admin/src/utils/attachment';

describe('attachmentName', () => {
  it.each([
    ['attachment; filename="button-commissions-2026-11-25.csv"', 'button-commissions-2026-11-25.csv'],
    ['attachment; filename=plain.csv', 'plain.csv'],
    ['attachment; filename="fallback.csv"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.csv', 'résumé.csv'],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment; filename="C:\\\\x\\\\y.csv"', 'y.csv'],
    ["attachment; filename*=UTF-8''%E0%A4%A", 'button-commissions.csv'],
    ['attachment; filename=""', 'button-commissions.csv'],
    ['attachment', 'button-commissions.csv'],
    [null, 'button-commissions.csv'],
    [undefined, 'button-commissions.csv'],
  ])('%j gives %j', (header, name) => {
    expect(attachmentName(header)).toBe(name);
  });
});
