/**
 * Reading driver errors from SQLite (better-sqlite3), PostgreSQL (pg) and MySQL/MariaDB (mysql2): Strapi's
 * query engine passes them through unchanged. Pure.
 */

interface DriverError {
  code?: unknown;
  errno?: unknown;
  constraint?: unknown;
  message?: unknown;
}

const asDriverError = (error: unknown): DriverError =>
  error !== null && typeof error === 'object' ? (error as DriverError) : {};

/** A unique-index violation on the given table (the index names used here all start with the table name). */
export function isUniqueViolation(error: unknown, table: string): boolean {
  const { code, errno, constraint, message } = asDriverError(error);
  const unique = code === '23505' || code === 'ER_DUP_ENTRY' || errno === 1062 || code === 'SQLITE_CONSTRAINT_UNIQUE';
  if (!unique) return false;
  return `${typeof constraint === 'string' ? constraint : ''} ${typeof message === 'string' ? message : ''}`.includes(table);
}

/** Errors where running the same transaction again is the documented remedy (deadlock, lock timeout, busy). */
export function isTransientConflict(error: unknown): boolean {
  const { code, errno } = asDriverError(error);
  return (
    code === '40001' || // PostgreSQL serialization failure
    code === '40P01' || // PostgreSQL deadlock
    code === 'ER_LOCK_DEADLOCK' ||
    errno === 1213 ||
    code === 'ER_LOCK_WAIT_TIMEOUT' ||
    errno === 1205 ||
    code === 'SQLITE_BUSY'
  );
}
