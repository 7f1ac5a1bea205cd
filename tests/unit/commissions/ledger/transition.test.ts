import { decideTransition, isFinal } from '../../../../server/src/commissions/ledger/transition';
import type { TransactionStatus } from '../../../../server/src/commissions/intake/payload';

const at = (iso: string) => new Date(iso).getTime();
const T1 = at('2026-03-01T10:00:00Z');
const T2 = at('2026-03-01T11:00:00Z');
const STATUSES: TransactionStatus[] = ['pending', 'validated', 'declined'];

describe('decideTransition', () => {
  it.each([
    ['a first sight', undefined, { status: 'pending', modifiedMs: T1 }, { kind: 'insert' }],
    [
      'a newer final state',
      { status: 'pending', modifiedMs: T1 },
      { status: 'validated', modifiedMs: T2 },
      { kind: 'apply', statusChanged: true },
    ],
    [
      'a newer adjustment with the same status',
      { status: 'pending', modifiedMs: T1 },
      { status: 'pending', modifiedMs: T2 },
      { kind: 'apply', statusChanged: false },
    ],
    [
      'a newer adjustment of a final state, same status',
      { status: 'validated', modifiedMs: T1 },
      { status: 'validated', modifiedMs: T2 },
      { kind: 'apply', statusChanged: false },
    ],
    ['a late older state', { status: 'validated', modifiedMs: T2 }, { status: 'pending', modifiedMs: T1 }, { kind: 'stale' }],
    ['the same state again', { status: 'pending', modifiedMs: T1 }, { status: 'pending', modifiedMs: T1 }, { kind: 'stale' }],
    [
      'a final state at the same instant as pending',
      { status: 'pending', modifiedMs: T1 },
      { status: 'declined', modifiedMs: T1 },
      { kind: 'apply', statusChanged: true },
    ],
    [
      'pending at the same instant as a final state',
      { status: 'validated', modifiedMs: T1 },
      { status: 'pending', modifiedMs: T1 },
      { kind: 'stale' },
    ],
    [
      'another final state at the same instant',
      { status: 'validated', modifiedMs: T1 },
      { status: 'declined', modifiedMs: T1 },
      { kind: 'conflict' },
    ],
    [
      'a newer pending after validated (a regression)',
      { status: 'validated', modifiedMs: T1 },
      { status: 'pending', modifiedMs: T2 },
      { kind: 'conflict' },
    ],
    [
      'a newer pending after declined (a regression)',
      { status: 'declined', modifiedMs: T1 },
      { status: 'pending', modifiedMs: T2 },
      { kind: 'conflict' },
    ],
    [
      'a newer reversal of a final state (validated -> declined)',
      { status: 'validated', modifiedMs: T1 },
      { status: 'declined', modifiedMs: T2 },
      { kind: 'conflict' },
    ],
    [
      'a newer reversal of a final state (declined -> validated)',
      { status: 'declined', modifiedMs: T1 },
      { status: 'validated', modifiedMs: T2 },
      { kind: 'conflict' },
    ],
    [
      'a late, older final state over a newer pending (a final is never lost)',
      { status: 'pending', modifiedMs: T2 },
      { status: 'validated', modifiedMs: T1 },
      { kind: 'apply', statusChanged: true },
    ],
    [
      'an older other final state (contradicts the final one, whichever arrives first)',
      { status: 'validated', modifiedMs: T2 },
      { status: 'declined', modifiedMs: T1 },
      { kind: 'conflict' },
    ],
    [
      'an older adjustment of a final state',
      { status: 'declined', modifiedMs: T2 },
      { status: 'declined', modifiedMs: T1 },
      { kind: 'stale' },
    ],
  ] as const)('%s', (_label, current, incoming, expected) => {
    expect(decideTransition(current, incoming)).toEqual(expected);
  });

  it('never changes the status of a final transaction, whatever comes, whenever', () => {
    for (const final of STATUSES.filter(isFinal))
      for (const status of STATUSES)
        for (const modifiedMs of [T1 - 1, T1, T1 + 1]) {
          const transition = decideTransition({ status: final, modifiedMs: T1 }, { status, modifiedMs });
          if (transition.kind === 'apply') expect(status).toBe(final);
          expect(['stale', 'conflict', 'apply']).toContain(transition.kind);
        }
  });

  it('flags two different final statuses as a conflict in either arrival order', () => {
    for (const [a, b] of [
      [T1, T2],
      [T2, T1],
      [T1, T1],
    ] as const) {
      expect(decideTransition({ status: 'validated', modifiedMs: a }, { status: 'declined', modifiedMs: b })).toEqual({
        kind: 'conflict',
      });
      expect(decideTransition({ status: 'declined', modifiedMs: a }, { status: 'validated', modifiedMs: b })).toEqual({
        kind: 'conflict',
      });
    }
  });

  it('lets pending move anywhere newer', () => {
    for (const status of STATUSES)
      expect(decideTransition({ status: 'pending', modifiedMs: T1 }, { status, modifiedMs: T2 })).toEqual({
        kind: 'apply',
        statusChanged: status !== 'pending',
      });
  });
});
