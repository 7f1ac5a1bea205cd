import { isTransientConflict, isUniqueViolation } from '../../../../server/src/commissions/ledger/db-errors';

describe('database error reading', () => {
  it.each([
    ['PostgreSQL', { code: '23505', constraint: 'button_webhook_events_event_id_uq', message: 'duplicate key value' }],
    [
      'MariaDB',
      { code: 'ER_DUP_ENTRY', errno: 1062, message: "Duplicate entry 'hook-1' for key 'button_webhook_events_event_id_uq'" },
    ],
    ['SQLite', { code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed: button_webhook_events.event_id' }],
  ])('recognises a %s unique violation on the right table only', (_db, error) => {
    expect(isUniqueViolation(error, 'button_webhook_events')).toBe(true);
    expect(isUniqueViolation(error, 'button_transactions')).toBe(false);
  });

  it.each([
    [{ code: '40P01' }],
    [{ code: '40001' }],
    [{ errno: 1213 }],
    [{ code: 'ER_LOCK_WAIT_TIMEOUT' }],
    [{ code: 'SQLITE_BUSY' }],
  ])('treats %p as transient', (error) => {
    expect(isTransientConflict(error)).toBe(true);
  });

  it.each([[new Error('boom')], [null], ['text'], [{ code: '23505', message: 'other_table' }]])(
    'does not misread %p',
    (error) => {
      expect(isTransientConflict(error)).toBe(false);
      expect(isUniqueViolation(error, 'button_webhook_events')).toBe(false);
    }
  );
});
