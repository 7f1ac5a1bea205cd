import { describeSchedule } from '../../../admin/src/utils/schedule';

describe('describeSchedule', () => {
  it.each([
    ['17 */6 * * *', { kind: 'every-hours', hours: 6, minute: 17 }],
    ['0 * * * *', { kind: 'hourly', minute: 0 }],
    ['43 3 * * *', { kind: 'daily', hour: 3, minute: 43 }],
    [' 5  12 * * * ', { kind: 'daily', hour: 12, minute: 5 }],
  ])('reads %j in words', (rule, shape) => {
    expect(describeSchedule(rule)).toEqual(shape);
  });

  it.each(['0 17 */6 * * *', '*/5 * * * *', '0 9 * * 1-5', '0 1,13 * * *', '60 * * * *', '0 24 * * *', '0 */0 * * *', ''])(
    'keeps %j as a rule',
    (rule) => {
      expect(describeSchedule(rule)).toEqual({ kind: 'rule', rule });
    }
  );
});
