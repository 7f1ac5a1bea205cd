/** The log levels services write at (`strapi.log` has them all; a test passes four functions). */
export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
