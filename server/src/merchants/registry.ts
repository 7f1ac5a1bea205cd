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
  /** Whether a write is due: a new merchant, or sightings past the last-seen resolution since `markPersisted`. */
  readonly dirty: boolean;
  /** Whether anything at all changed since `markPersisted` (what a last write at shutdown needs). */
  readonly unsaved: boolean;
  markPersisted(): void;
  load(saved: unknown): void;
  toJSON(): Record<string, SeenMerchant>;
}

/** Button organization ids are short (`org-` and a few dozen characters); anything else is not kept. */
const MAX_ID_LENGTH = 255;
const isMerchantId = (id: unknown): id is string => typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH;

/**
 * Bounded whatever Button (or a saved store) sends: at most `maxEntries` ids of at most 255 characters. Past the
 * cap the longest-unseen tenth goes at once, so a stream of new ids costs one sort per `maxEntries / 10` ids,
 * not one per id.
 */
export function createMerchantRegistry(options: { maxEntries?: number; lastSeenResolutionMs?: number } = {}): MerchantRegistry {
  const maxEntries = options.maxEntries ?? 5_000;
  const keep = maxEntries - Math.floor(maxEntries / 10);
  const lastSeenResolutionMs = options.lastSeenResolutionMs ?? 0;
  const seen = new Map<string, SeenMerchant>();
  // A new merchant (or a load) always needs a write; a known merchant seen again only once its newest sighting is
  // `lastSeenResolutionMs` past what was last persisted. Under steady traffic every request moves some lastSeenAt,
  // so without this the registry would be rewritten (a synchronous SQLite write) on every persistence tick.
  let changed = false;
  let newestSeenAt = Number.NEGATIVE_INFINITY;
  let persistedSeenAt = Number.NEGATIVE_INFINITY;

  const evictOldest = () => {
    if (seen.size <= maxEntries) return;
    // Button's catalogue is a few thousand brands at most; past the cap, forget the longest-unseen ones.
    const sorted = [...seen.entries()].sort((a, b) => a[1].lastSeenAt - b[1].lastSeenAt);
    for (const [id] of sorted.slice(0, seen.size - keep)) seen.delete(id);
  };

  return {
    recordSeen(merchantIds, at) {
      let touched = false;
      for (const id of merchantIds) {
        if (!isMerchantId(id)) continue;
        touched = true;
        const known = seen.get(id);
        if (known) known.lastSeenAt = at;
        else {
          seen.set(id, { firstSeenAt: at, lastSeenAt: at });
          changed = true;
        }
      }
      if (touched && at > newestSeenAt) newestSeenAt = at;
      if (seen.size > maxEntries) evictOldest();
    },
    entries: () => [...seen.entries()],
    get dirty() {
      return changed || (newestSeenAt > persistedSeenAt && newestSeenAt - persistedSeenAt >= lastSeenResolutionMs);
    },
    get unsaved() {
      return changed || newestSeenAt > persistedSeenAt;
    },
    markPersisted() {
      changed = false;
      persistedSeenAt = newestSeenAt;
    },
    load(saved) {
      if (saved === null || typeof saved !== 'object') return;
      for (const [id, value] of Object.entries(saved as Record<string, unknown>)) {
        const entry = value as Partial<SeenMerchant> | null;
        if (!isMerchantId(id) || typeof entry?.firstSeenAt !== 'number' || typeof entry.lastSeenAt !== 'number') continue;
        const known = seen.get(id);
        seen.set(id, {
          firstSeenAt: Math.min(entry.firstSeenAt, known?.firstSeenAt ?? Infinity),
          lastSeenAt: Math.max(entry.lastSeenAt, known?.lastSeenAt ?? 0),
        });
      }
      evictOldest();
    },
    toJSON: () => Object.fromEntries(seen),
  };
}
