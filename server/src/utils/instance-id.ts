import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * This process, as job leases and outbox claims name it: the host (where to look) and the pid, plus a random part
 * because a restarted container often gets the same host name and pid 1. At most 64 characters.
 */
export const INSTANCE_ID = `${hostname().slice(0, 40)}-${process.pid}-${randomBytes(4).toString('hex')}`.slice(0, 64);
