/**
 * A Strapi cron rule in words where it is one of the usual shapes, else the rule itself (shown as is). Only the
 * 5-field forms with plain numbers are read: anything else (seconds, ranges, lists, week days) stays a rule.
 */
export type ScheduleShape =
  | { kind: 'every-hours'; hours: number; minute: number }
  | { kind: 'hourly'; minute: number }
  | { kind: 'daily'; hour: number; minute: number }
  | { kind: 'rule'; rule: string };

const number = (field: string, max: number) => (/^\d{1,2}$/.test(field) && Number(field) <= max ? Number(field) : null);

export function describeSchedule(rule: string): ScheduleShape {
  const fields = rule.trim().split(/\s+/);
  if (fields.length !== 5 || fields.slice(2).some((field) => field !== '*')) return { kind: 'rule', rule };
  const minute = number(fields[0], 59);
  if (minute === null) return { kind: 'rule', rule };
  const [, hourField] = fields;
  if (hourField === '*') return { kind: 'hourly', minute };
  const every = /^\*\/(\d{1,2})$/.exec(hourField);
  if (every && Number(every[1]) >= 1 && Number(every[1]) <= 23) return { kind: 'every-hours', hours: Number(every[1]), minute };
  const hour = number(hourField, 23);
  return hour === null ? { kind: 'rule', rule } : { kind: 'daily', hour, minute };
}
