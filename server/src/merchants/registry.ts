/**
 * The merchant ids Button has returned, and when: what the admin's Merchants page needs to show unmapped
 * merchants. Never rates (Button says not to keep them). The hot path only touches a Map; persisting is the
 * caller's job, on a timer, so no offers request ever waits for a write.
 */
export interface SeenMerchant {
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface MerchantRegistry {
  recordSeen(merchantIds: readonly string[], at: number): void;
  entries(): Array<[string, SeenMerchant]>;
  /** Whether anything changed since the last `markPersisted`. */
  readonly dirty: boolean;
  markPersisted(): void;
  load(saved: unknown): void;
  toJSON(): Record<string, SeenMerchant>;
}

export function createMerchantRegistry(options: { maxEntries?: number } = {}): MerchantRegistry {
  const maxEntries = options.maxEntries ?? 5_000;
  const seen = new Map<string, SeenMerchant>();
  let dirty = false;

  const evictOldest = () => {
    // Button's catalogue is a few thousand brands at most; past the cap, forget the longest-unseen ones.
    const sorted = [...seen.entries()].sort((a, b) => a[1].lastSeenAt - b[1].lastSeenAt);
    for (const [id] of sorted.slice(0, seen.size - maxEntries)) seen.delete(id);
  };

  return {
    recordSeen(merchantIds, at) {
      for (const id of merchantIds) {
        const known = seen.get(id);
        if (known) known.lastSeenAt = at;
        else seen.set(id, { firstSeenAt: at, lastSeenAt: at });
      }
      if (merchantIds.length > 0) dirty = true;
      if (seen.size > maxEntries) evictOldest();
    },
    entries: () => [...seen.entries()],
    get dirty() {
      return dirty;
    },
    markPersisted() {
      dirty = false;
    },
    load(saved) {
      if (saved === null || typeof saved !== 'object') return;
      for (const [id, value] of Object.entries(saved as Record<string, unknown>)) {
        const entry = value as Partial<SeenMerchant> | null;
        if (typeof entry?.firstSeenAt !== 'number' || typeof entry.lastSeenAt !== 'number') continue;
        const known = seen.get(id);
        seen.set(id, {
          firstSeenAt: Math.min(entry.firstSeenAt, known?.firstSeenAt ?? Infinity),
          lastSeenAt: Math.max(entry.lastSeenAt, known?.lastSeenAt ?? 0),
        });
      }
    },
    toJSON: () => Object.fromEntries(seen),
  };
}
