import { decideTransition } from '../../../server/src/ledger/transition';

const at = (iso: string) => new Date(iso).getTime();
const T1 = at('2026-03-01T10:00:00Z');
const T2 = at('2026-03-01T11:00:00Z');

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
      { kind: 'stale' },
    ],
    [
      'a newer reversal of a final state',
      { status: 'validated', modifiedMs: T1 },
      { status: 'declined', modifiedMs: T2 },
      { kind: 'apply', statusChanged: true },
    ],
  ] as const)('%s', (_label, current, incoming, expected) => {
    expect(decideTransition(current, incoming)).toEqual(expected);
  });
});
